using System.Runtime.CompilerServices;
using MicroHosting.Client;
using MicroHosting.Generators.Tests.ProtoFirst;
using MicroHosting.Registry;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Generators.Tests;

/// <summary>
/// Protos/talker.proto built as users build it (Grpc.Tools for the messages, AdditionalFiles for the generator): the
/// service implements the generated ITalker, callers inject it, over real Kestrel, for every rpc kind.
/// </summary>
public sealed class ProtoFirstTests : IAsyncLifetime
{
    private readonly InMemoryRegistry _registry = new();
    private WebApplication _service = null!;
    private ServiceProvider _client = null!;

    public async Task InitializeAsync()
    {
        _service = await MicroTestHost.StartAsync("talker", app => app.MapMicroHandlers<TalkerService>(), _registry);
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddLogging();
        services.AddMicroCore().UseRegistry(_registry);
        services.Configure<MicroClientOptions>(o => o.RequestTimeout = TimeSpan.FromSeconds(60));
        services.AddMicroClient<ITalker>("talker");
        _client = services.BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _service.DisposeAsync();
        _registry.Dispose();
    }

    [Fact]
    public async Task Unary_GeneratedClient_CallsTalkerHello()
    {
        var reply = await _client.GetRequiredService<ITalker>().HelloAsync(new TalkRequest { Name = "Ann" });

        Assert.Equal("Hello Ann", reply.Message);
    }

    [Fact]
    public async Task ServerStreaming_GeneratedClient_ReadsEveryReply()
    {
        var values = await _client.GetRequiredService<ITalker>().CountAsync(new TalkRequest { Count = 4 }).Select(r => r.Value).ToListAsync();

        Assert.Equal([1, 2, 3, 4], values);
    }

    [Fact]
    public async Task ClientStreaming_GeneratedClient_SendsEveryRequest()
    {
        var reply = await _client.GetRequiredService<ITalker>().SumAsync(Requests(1, 2, 3, 4, 5));

        Assert.Equal(15, reply.Value);
    }

    [Fact]
    public async Task BidirectionalStreaming_GeneratedClient_RepliesToEachRequest()
    {
        var replies = await _client.GetRequiredService<ITalker>().EchoAsync(Requests(1, 2, 3)).Select(r => r.Message).ToListAsync();

        Assert.Equal(["echo 1", "echo 2", "echo 3"], replies);
    }

    [Fact]
    public async Task BidirectionalStreaming_RequestsThrow_CallerSeesThatException()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var _ in _client.GetRequiredService<ITalker>().EchoAsync(Failing()))
            {
            }
        });

        Assert.Equal("requests broke", error.Message);
    }

    [Fact]
    public void MapMicroHandlers_ProtoContract_RegistersProtocGenMicroEndpointNames()
    {
        var endpoints = _service.Services.GetRequiredService<MicroHosting.Server.Internal.MicroEndpointCatalog>().Describe().Select(e => e.Name).Order();

        Assert.Equal(["Talker.Count", "Talker.Echo", "Talker.Hello", "Talker.Sum"], endpoints.Where(e => e.StartsWith("Talker.", StringComparison.Ordinal)));
    }

    private static async IAsyncEnumerable<TalkRequest> Requests(params int[] values)
    {
        foreach (var value in values)
        {
            await Task.Yield();
            yield return new TalkRequest { Count = value };
        }
    }

    private static async IAsyncEnumerable<TalkRequest> Failing()
    {
        await Task.Yield();
        yield return new TalkRequest { Count = 1 };
        throw new InvalidOperationException("requests broke");
    }

    /// <summary>The service side: a class implementing the generated interface.</summary>
    private sealed class TalkerService : ITalker
    {
        public Task<TalkReply> HelloAsync(TalkRequest request, CancellationToken cancellationToken = default)
            => Task.FromResult(new TalkReply { Message = $"Hello {request.Name}" });

        public async IAsyncEnumerable<TalkReply> CountAsync(TalkRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            for (var i = 1; i <= request.Count; i++)
            {
                await Task.Yield();
                yield return new TalkReply { Value = i };
            }
        }

        public async Task<TalkReply> SumAsync(IAsyncEnumerable<TalkRequest> requests, CancellationToken cancellationToken = default)
        {
            var sum = 0;
            await foreach (var request in requests.WithCancellation(cancellationToken))
            {
                sum += request.Count;
            }

            return new TalkReply { Value = sum };
        }

        public async IAsyncEnumerable<TalkReply> EchoAsync(IAsyncEnumerable<TalkRequest> requests, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await foreach (var request in requests.WithCancellation(cancellationToken))
            {
                yield return new TalkReply { Message = $"echo {request.Count}" };
            }
        }
    }
}
