using System.Net.Http.Json;
using System.Security.Claims;
using MicroHosting.Client;
using MicroHosting.Registry;
using MicroHosting.Security.Internal;
using MicroHosting.Tests.Client;
using MicroHosting.TestUtilities;
using MicroHosting.TestUtilities.Tls;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Tests.Security;

/// <summary>Nodes that require client certificates from a CA: who gets in, who is who, and rotation without restart.</summary>
public sealed class MutualTlsTests : IDisposable
{
    private readonly InMemoryRegistry _registry = new();
    private readonly TestPki _pki = new();
    private readonly TestPki _clients = new("Clients CA");
    private int _served;

    public void Dispose()
    {
        _registry.Dispose();
        _pki.Dispose();
        _clients.Dispose();
    }

    [Fact]
    public async Task Call_ClientCertificateFromTheClientCa_AcceptedAndTheCallerIsKnownToHandlersAndPolicies()
    {
        await using var node = await StartAsync();
        await using var billing = TlsTestNodes.Client(_registry, _pki.AuthorityFile, _clients.IssueClient("billing"));
        await using var intruder = TlsTestNodes.Client(_registry, _pki.AuthorityFile, _clients.IssueClient("intruder"));

        var hello = await billing.GetRequiredService<IMicroClient>().HelloAsync();
        var who = await billing.GetRequiredService<IMicroClient>().CallAsync<HelloRequest, HelloReply>("greeter", "Greeter.Who", new HelloRequest("x"));
        var stream = new List<string>();
        await foreach (var item in billing.GetRequiredService<IMicroClient>().ServerStreamAsync<HelloRequest, HelloReply>("greeter", "Greeter.Count", new HelloRequest("x")))
        {
            stream.Add(item.Message);
        }

        var denied = await Assert.ThrowsAsync<MicroException>(
            () => intruder.GetRequiredService<IMicroClient>().CallAsync<HelloRequest, HelloReply>("greeter", "Greeter.Who", new HelloRequest("x")));

        Assert.Equal("HTTP/2 CN=billing", hello.Value.Message);
        Assert.Equal("billing spiffe://microhosting.test/billing", who.Message);
        Assert.Equal(["#0", "#1", "#2"], stream);
        Assert.Equal(403, denied.Code); // a valid certificate, but not the identity the policy asks for
        Assert.Equal(1, Volatile.Read(ref _served));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("other-ca")]
    [InlineData("expired")]
    public async Task Call_WithoutAValidClientCertificate_RefusedInTheHandshake(string presented)
    {
        await using var node = await StartAsync();
        using var other = new TestPki("Other CA");
        var certificate = presented switch
        {
            "other-ca" => other.IssueClient("billing"),
            "expired" => _clients.IssueClient("billing", expired: true),
            _ => null,
        };
        await using var services = TlsTestNodes.Client(_registry, _pki.AuthorityFile, certificate);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => services.GetRequiredService<IMicroClient>().HelloAsync());

        Assert.Contains(TlsTests.Flatten(error), e => e is HttpRequestException or IOException or System.Security.Authentication.AuthenticationException);
        Assert.DoesNotContain(TlsTests.Flatten(error), e => e is MicroException { Code: >= 400 and < 600 } m && m.GetType() == typeof(MicroException)); // no HTTP answer at all

        // The same node serves a caller with a good certificate: the refusal was the certificate's.
        await using var good = TlsTestNodes.Client(_registry, _pki.AuthorityFile, _clients.IssueClient("billing"));
        Assert.Equal("HTTP/2 CN=billing", (await good.GetRequiredService<IMicroClient>().HelloAsync()).Value.Message);
    }

    [Fact]
    public async Task ServerCertificate_FilesReplaced_NewConnectionsGetTheNewCertificateWithoutRestart()
    {
        var first = _pki.IssueServer("node-1");
        var inUse = _pki.IssueServer("node-1");
        TestPki.Replace(first, inUse);
        await using var node = await TlsTestNodes.StartAsync(_registry, inUse, configuration: new() { ["Micro:Tls:ReloadInterval"] = "00:00:00" });
        var seen = new List<string>();

        using (var before = TlsTestNodes.Http(_pki.Authority, seen))
        {
            (await before.PostAsJsonAsync(new Uri(node.BaseAddress(), "/Greeter/Hello"), new HelloRequest("x"))).EnsureSuccessStatusCode();
        }

        var second = _pki.IssueServer("node-2");
        TestPki.Replace(second, inUse);
        using (var after = TlsTestNodes.Http(_pki.Authority, seen))
        {
            (await after.PostAsJsonAsync(new Uri(node.BaseAddress(), "/Greeter/Hello"), new HelloRequest("x"))).EnsureSuccessStatusCode();
        }

        Assert.Equal([first.Thumbprint, second.Thumbprint], seen);
        Assert.Equal(2, node.Services.GetRequiredService<MicroServerTls>().CertificateLoads);
    }

    [Fact]
    public async Task ClientCertificate_FilesReplaced_TheNextConnectionPresentsTheNewOne()
    {
        await using var first = await StartAsync();
        await using var second = await StartAsync();
        var inUse = _clients.IssueClient("billing");
        await using var services = TlsTestNodes.Client(_registry, _pki.AuthorityFile, inUse, new() { ["Micro:Tls:ReloadInterval"] = "00:00:00" });
        var client = services.GetRequiredService<IMicroClient>();
        var (firstPort, secondPort) = (first.BaseAddress().Port, second.BaseAddress().Port);
        var before = await client.HelloAsync(options: new MicroCallOptions { Filter = (_, node) => node.Port == firstPort });

        TestPki.Replace(_clients.IssueClient("billing-rotated"), inUse);
        var after = await client.HelloAsync(options: new MicroCallOptions { Filter = (_, node) => node.Port == secondPort }); // a new connection: a new handshake

        Assert.Equal("HTTP/2 CN=billing", before.Value.Message);
        Assert.Equal("HTTP/2 CN=billing-rotated", after.Value.Message);
    }

    [Fact]
    public void AlternativeNames_DnsAndUriBecomeClaims()
    {
        var names = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
        names.AddDnsName("billing.internal");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddUri(new Uri("spiffe://example.org/billing"));
        var claims = new List<Claim>();

        MicroCertificateAuthenticationHandler.AddAlternativeNames(claims, names.Build().RawData, "CN=ca");

        Assert.Equal([(ClaimTypes.Dns, "billing.internal"), (ClaimTypes.Uri, "spiffe://example.org/billing")], claims.Select(c => (c.Type, c.Value)));
    }

    private Task<WebApplication> StartAsync()
        => TlsTestNodes.StartAsync(
            _registry,
            _pki.IssueServer(),
            _clients.AuthorityFile,
            configureBuilder: b =>
            {
                b.Services.AddAuthentication().AddMicroCertificate();
                b.Services.AddAuthorization(o => o.AddPolicy("billing", p => p
                    .AddAuthenticationSchemes(MicroHosting.Security.MicroCertificateAuthenticationDefaults.AuthenticationScheme)
                    .RequireClaim(ClaimTypes.Uri, "spiffe://microhosting.test/billing")));
            },
            map: app => app.MapMicroHandler("Greeter.Who", (HelloRequest r, MicroContext c) =>
            {
                Interlocked.Increment(ref _served);
                var user = c.HttpContext.User;
                return new HelloReply($"{user.Identity!.Name} {user.FindFirst(ClaimTypes.Uri)!.Value}");
            }).RequireAuthorization("billing"));
}
