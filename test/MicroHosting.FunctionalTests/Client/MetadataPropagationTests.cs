using MicroHosting.Broker;
using MicroHosting.Client;
using MicroHosting.Client.Internal;
using MicroHosting.Registry;
using MicroHosting.Tests.Broker;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MicroHosting.Tests.Client;

/// <summary>What a handler passes on to the calls and messages it makes: the allow-list, never credentials.</summary>
public sealed class MetadataPropagationTests : IAsyncDisposable
{
    private readonly InMemoryRegistry _registry = new();

    public ValueTask DisposeAsync()
    {
        _registry.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task HandlerCallsAndPublishes_CredentialsAndUnlistedHeadersStay_MicroAndListedHeadersTravel()
    {
        var downstream = new TaskCompletionSource<IReadOnlyDictionary<string, string>>();
        var published = new MessageSink<MicroMessageContext>();
        await using var back = await MicroTestHost.StartAsync("back", app => app.MapMicroHandler("Back.Echo", (HelloRequest r, MicroContext c) =>
        {
            downstream.TrySetResult(c.Metadata);
            return new HelloReply(r.Name);
        }), _registry);
        await using var audit = await BrokerTestHosts.StartAsync("audit", _registry, s => s.AddMicroSubscriber<HelloRequest>("hellos", (_, context, _) =>
        {
            published.Add(context);
            return Task.CompletedTask;
        }));
        await using var front = await BrokerTestHosts.StartAsync(
            "front",
            _registry,
            s => s.Configure<MicroClientOptions>(o => o.PropagatedHeaders.Add("X-Allowed")),
            map: app => app.MapMicroHandler("Front.Relay", async (HelloRequest r, MicroContext c, CancellationToken ct) =>
            {
                await c.HttpContext.RequestServices.GetRequiredService<IMicroPublisher>().PublishAsync("hellos", r, cancellationToken: ct);
                return await c.HttpContext.RequestServices.GetRequiredService<IMicroClient>().CallAsync<HelloRequest, HelloReply>("back", "Back.Echo", r, cancellationToken: ct);
            }));

        using var http = new HttpClient { BaseAddress = front.BaseAddress() };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/Front/Relay") { Content = System.Net.Http.Json.JsonContent.Create(new HelloRequest("x")) };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer user-secret");
        request.Headers.TryAddWithoutValidation("Proxy-Authorization", "Basic c2VjcmV0");
        request.Headers.TryAddWithoutValidation("Cookie", "session=secret");
        request.Headers.TryAddWithoutValidation("X-Api-Key", "secret");
        request.Headers.TryAddWithoutValidation("X-Allowed", "yes");
        request.Headers.TryAddWithoutValidation("Micro-Tenant", "acme");
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();

        var called = await downstream.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var message = (await published.WaitForAsync(1))[0].Metadata;
        foreach (var seen in new[] { called, message })
        {
            Assert.Equal("acme", seen["Micro-Tenant"]);
            Assert.Equal("yes", seen["X-Allowed"]);
            Assert.Equal("front", seen["Micro-From-Service"]);
            Assert.DoesNotContain(seen.Keys, k => k is "Authorization" or "Proxy-Authorization" or "Cookie" or "Set-Cookie" or "X-Api-Key");
            Assert.DoesNotContain(seen.Values, v => v.Contains("secret", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("Authorization", "would pass on 'Authorization'")]
    [InlineData("cookie", "would pass on 'Cookie'")]
    [InlineData("Proxy-*", "would pass on 'Proxy-Authorization'")]
    [InlineData("*", "would pass on every header")]
    [InlineData("X Tenant", "is not a header name")]
    public void Validate_UnsafeOrInvalidEntry_FailsSayingWhatToFix(string entry, string message)
    {
        var options = new MicroClientOptions();
        options.PropagatedHeaders.Add(entry);

        var result = new MicroClientOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains($"Micro:Client:PropagatedHeaders has the entry '{entry}', which {message}", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Micro-Tenant", true)]
    [InlineData("X-Micro-Tenant", true)]
    [InlineData("X-Tenant", true)]
    [InlineData("X-Region-Eu", true)]
    [InlineData("X-Region", false)]
    [InlineData("Tenant", false)]
    [InlineData("traceparent", false)]
    [InlineData("Authorization", false)]
    [InlineData("Proxy-Authorization", false)]
    [InlineData("Cookie", false)]
    [InlineData("Set-Cookie", false)]
    [InlineData("Micro-From-Service", false)]
    [InlineData("X-Micro-From-Service", false)]
    public void Allows_BuiltInMicroMetadataAndListedNamesAndPrefixes(string header, bool allowed)
    {
        var propagation = new MetadataPropagation(["X-Tenant", "X-Region-*"]);

        Assert.Equal(allowed, propagation.Allows(header));
    }

    [Fact]
    public void PropagatedHeaders_BoundFromConfiguration()
    {
        using var services = TestClient.Create(_registry, new() { ["Micro:Client:PropagatedHeaders:0"] = "X-Tenant", ["Micro:Client:PropagatedHeaders:1"] = "X-Region-*" });

        var options = services.GetRequiredService<IOptions<MicroClientOptions>>().Value;

        Assert.Equal(["X-Tenant", "X-Region-*"], options.PropagatedHeaders);
    }
}
