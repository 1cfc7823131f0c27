using System.Net;
using System.Text;
using MicroHosting.Client;
using MicroHosting.Registry;
using MicroHosting.Tests.Client;
using MicroHosting.TestUtilities;
using MicroHosting.TestUtilities.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MicroHosting.Tests.Security;

/// <summary>Service credentials: the client's token provider, and ASP.NET authorization on every kind of endpoint.</summary>
public sealed class CredentialTests : IDisposable
{
    private readonly InMemoryRegistry _registry = new();
    private readonly TestPki _pki = new();

    public void Dispose()
    {
        _registry.Dispose();
        _pki.Dispose();
    }

    [Fact]
    public async Task ConfiguredToken_AcceptedByProtectedUnaryAndStreamEndpoints()
    {
        await using var node = await StartProtectedAsync();
        await using var services = TlsTestNodes.Client(_registry, _pki.AuthorityFile, configuration: new() { ["Micro:Client:Token:Value"] = "good" });
        var client = services.GetRequiredService<IMicroClient>();

        var reply = await client.CallAsync<HelloRequest, HelloReply>("greeter", "Greeter.Secret", new HelloRequest("x"));
        var streamed = await CollectAsync(client.ServerStreamAsync<HelloRequest, HelloReply>("greeter", "Greeter.SecretCount", new HelloRequest("x")));

        Assert.Equal("svc", reply.Message);
        Assert.Equal(["svc#0", "svc#1"], streamed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("bad")]
    public async Task NoOrWrongToken_RefusedWith401ForUnaryAndStream(string? token)
    {
        await using var node = await StartProtectedAsync();
        await using var services = TlsTestNodes.Client(_registry, _pki.AuthorityFile, configuration: new() { ["Micro:Client:Token:Value"] = token });
        var client = services.GetRequiredService<IMicroClient>();

        var unary = await Assert.ThrowsAsync<MicroException>(() => client.CallAsync<HelloRequest, HelloReply>("greeter", "Greeter.Secret", new HelloRequest("x")));
        var stream = await Assert.ThrowsAnyAsync<MicroException>(() => CollectAsync(client.ServerStreamAsync<HelloRequest, HelloReply>("greeter", "Greeter.SecretCount", new HelloRequest("x"))));
        var open = await client.CallAsync<HelloRequest, HelloReply>("greeter", "Greeter.Open", new HelloRequest("x"));

        Assert.Equal(401, unary.Code);
        Assert.Equal(401, stream.Code);
        Assert.Equal("anonymous", open.Message); // endpoints without RequireAuthorization stay open
    }

    [Theory]
    [InlineData("Bearer good", HttpStatusCode.OK)]
    [InlineData("Bearer bad", HttpStatusCode.Unauthorized)]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    public async Task GoMicroPost_AuthorizationAppliesToTheRewrittenRoute(string? authorization, HttpStatusCode expected)
    {
        await using var node = await StartProtectedAsync();
        using var http = TlsTestNodes.Http(_pki.Authority);
        using var request = new HttpRequestMessage(HttpMethod.Post, node.BaseAddress())
        {
            Content = new StringContent("{\"name\":\"go\"}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Micro-Service", "greeter");
        request.Headers.Add("Micro-Endpoint", "Greeter.Secret");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await http.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task TokenFile_Replaced_TheNextCallSendsTheNewToken()
    {
        var file = Path.Combine(_pki.Directory, "token");
        await File.WriteAllTextAsync(file, "good-1\n");
        await using var node = await StartProtectedAsync();
        await using var services = TlsTestNodes.Client(
            _registry, _pki.AuthorityFile, configuration: new() { ["MICRO_CLIENT_TOKEN_FILE"] = file, ["Micro:Client:Token:ReloadInterval"] = "00:00:00" });
        var client = services.GetRequiredService<IMicroClient>();

        var before = await client.CallAsync<HelloRequest, HelloReply>("greeter", "Greeter.Token", new HelloRequest("x"));
        await File.WriteAllTextAsync(file, "good-2");
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddSeconds(2));
        var after = await client.CallAsync<HelloRequest, HelloReply>("greeter", "Greeter.Token", new HelloRequest("x"));

        Assert.Equal("Bearer good-1", before.Message);
        Assert.Equal("Bearer good-2", after.Message);
    }

    [Theory]
    [InlineData(false, "none")]
    [InlineData(true, "Bearer good")]
    public async Task Token_CleartextNode_SentOnlyWhenAllowed(bool allowCleartext, string expected)
    {
        await using var node = await MicroTestHost.StartAsync("greeter", MapTokenEcho, _registry);
        await using var services = TestClient.Create(_registry, new()
        {
            ["Micro:Client:Token:Value"] = "good",
            ["Micro:Client:Token:AllowCleartext"] = allowCleartext ? "true" : "false",
        });

        var reply = await services.GetRequiredService<IMicroClient>().CallAsync<HelloRequest, HelloReply>("greeter", "Greeter.Token", new HelloRequest("x"));

        Assert.Equal(expected, reply.Message);
    }

    [Fact]
    public async Task CallMetadataAuthorization_WinsOverTheProvider()
    {
        await using var node = await StartProtectedAsync();
        await using var services = TlsTestNodes.Client(_registry, _pki.AuthorityFile, configuration: new() { ["Micro:Client:Token:Value"] = "good" });
        var options = new MicroCallOptions { Metadata = new Dictionary<string, string> { ["Authorization"] = "Bearer good-relayed" } };

        var reply = await services.GetRequiredService<IMicroClient>().CallAsync<HelloRequest, HelloReply>("greeter", "Greeter.Token", new HelloRequest("x"), options);

        Assert.Equal("Bearer good-relayed", reply.Message);
    }

    [Fact]
    public async Task CustomProvider_AskedPerAttemptWithServiceEndpointNodeAndTls()
    {
        await using var node = await StartProtectedAsync();
        var provider = new RecordingProvider();
        await using var services = TestClient.Create(
            _registry,
            new() { ["Micro:Tls:CaFile"] = _pki.AuthorityFile },
            s => s.AddSingleton<IMicroCredentialProvider>(provider));
        var client = services.GetRequiredService<IMicroClient>();

        var reply = await client.CallAsync<HelloRequest, HelloReply>("greeter", "Greeter.Secret", new HelloRequest("x"));
        var streamed = await CollectAsync(client.ServerStreamAsync<HelloRequest, HelloReply>("greeter", "Greeter.SecretCount", new HelloRequest("x")));

        Assert.Equal("svc", reply.Message);
        Assert.Equal(2, streamed.Count);
        var address = $"127.0.0.1:{node.BaseAddress().Port}";
        Assert.Equal([new("greeter", "Greeter.Secret", address, true), new("greeter", "Greeter.SecretCount", address, true)], provider.Contexts);
    }

    [Fact]
    public async Task Start_UnreadableTokenFile_FailsNamingTheSetting()
    {
        var missing = Path.Combine(_pki.Directory, "missing-token");
        await using var services = TestClient.Create(_registry, new() { ["MICRO_CLIENT_TOKEN_FILE"] = missing });

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<MicroTokenOptions>>().Value);

        Assert.Contains($"The token file '{missing}' (Micro:Client:Token:File / MICRO_CLIENT_TOKEN_FILE) cannot be read:", ex.Message, StringComparison.Ordinal);
    }

    private static void MapTokenEcho(WebApplication app)
        => app.MapMicroHandler("Greeter.Token", (HelloRequest r, MicroContext c) =>
            new HelloReply(c.HttpContext.Request.Headers.Authorization is { Count: > 0 } value ? value.ToString() : "none"));

    private static async Task<List<string>> CollectAsync(IAsyncEnumerable<HelloReply> replies)
    {
        var items = new List<string>();
        await foreach (var item in replies)
        {
            items.Add(item.Message);
        }

        return items;
    }

    private static async IAsyncEnumerable<HelloReply> Count(string user)
    {
        for (var i = 0; i < 2; i++)
        {
            await Task.Yield();
            yield return new HelloReply($"{user}#{i}");
        }
    }

    private Task<WebApplication> StartProtectedAsync()
        => TlsTestNodes.StartAsync(
            _registry,
            _pki.IssueServer(),
            configureBuilder: b => TestTokenAuthentication.Add(b.Services),
            map: app =>
            {
                app.MapMicroHandler("Greeter.Secret", (HelloRequest r, MicroContext c) => new HelloReply(c.HttpContext.User.Identity!.Name!)).RequireAuthorization();
                app.MapMicroHandler("Greeter.SecretCount", (HelloRequest r, MicroContext c) => Count(c.HttpContext.User.Identity!.Name!)).RequireAuthorization();
                app.MapMicroHandler("Greeter.Open", (HelloRequest r, MicroContext c) => new HelloReply(c.HttpContext.User.Identity?.Name ?? "anonymous"));
                MapTokenEcho(app);
            });

    private sealed class RecordingProvider : IMicroCredentialProvider
    {
        public List<MicroCredentialContext> Contexts { get; } = [];

        public ValueTask<string?> GetAuthorizationAsync(MicroCredentialContext context, CancellationToken cancellationToken)
        {
            lock (Contexts)
            {
                Contexts.Add(context);
            }

            return ValueTask.FromResult<string?>("Bearer good");
        }
    }
}
