using System.Net;
using System.Net.Http.Json;
using System.Text;
using MicroHosting.Client;
using MicroHosting.Hosting;
using MicroHosting.Hosting.Internal;
using MicroHosting.Registry;
using MicroHosting.Tests.Client;
using MicroHosting.TestUtilities;
using MicroHosting.TestUtilities.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MicroHosting.Tests.Security;

/// <summary>A node serving TLS from PEM files on its main port: HTTP/1.1 and HTTP/2 by ALPN, Go Micro's POST /, streams, trust.</summary>
public sealed class TlsTests : IDisposable
{
    private readonly InMemoryRegistry _registry = new();
    private readonly TestPki _pki = new();

    public void Dispose()
    {
        _registry.Dispose();
        _pki.Dispose();
    }

    [Fact]
    public async Task MainPort_WithTls_ServesHttp11AndHttp2ByAlpnAndRegistersSecure()
    {
        await using var node = await TlsTestNodes.StartAsync(_registry, _pki.IssueServer());
        using var http = TlsTestNodes.Http(_pki.Authority);
        var address = node.BaseAddress();

        Assert.Equal(Uri.UriSchemeHttps, address.Scheme);
        foreach (var version in new[] { HttpVersion.Version11, HttpVersion.Version20 })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address, "/Greeter/Hello"))
            {
                Version = version,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                Content = JsonContent.Create(new HelloRequest("x")),
            };
            using var response = await http.SendAsync(request);

            Assert.Equal(version, response.Version);
            Assert.Equal($"HTTP/{(version == HttpVersion.Version20 ? "2" : "1.1")} anonymous", (await response.Content.ReadFromJsonAsync<HelloReply>())!.Message);
        }

        var registered = Assert.Single(Assert.Single(await _registry.GetServiceAsync("greeter")).Nodes);
        Assert.Equal("true", registered.Metadata["secure"]);
        Assert.Equal(address.Port, registered.Port);
        Assert.False(registered.Metadata.ContainsKey("h2c"));
    }

    [Fact]
    public async Task GoMicroPost_OverTls_ServedOverHttp11()
    {
        await using var node = await TlsTestNodes.StartAsync(_registry, _pki.IssueServer());
        using var http = TlsTestNodes.Http(_pki.Authority);
        using var request = new HttpRequestMessage(HttpMethod.Post, node.BaseAddress())
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new StringContent("{\"name\":\"go\"}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Micro-Service", "greeter");
        request.Headers.Add("Micro-Endpoint", "Greeter.Hello");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("HTTP/1.1 anonymous", (await response.Content.ReadFromJsonAsync<HelloReply>())!.Message);
    }

    [Fact]
    public async Task Client_SecureNodeTrustedThroughCaFile_CallsOverHttp2AndStreams()
    {
        await using var node = await TlsTestNodes.StartAsync(_registry, _pki.IssueServer());
        await using var services = TlsTestNodes.Client(_registry, _pki.AuthorityFile);
        var client = services.GetRequiredService<IMicroClient>();

        var reply = await client.HelloAsync();
        var streamed = new List<string>();
        await foreach (var item in client.ServerStreamAsync<HelloRequest, HelloReply>("greeter", "Greeter.Count", new HelloRequest("x")))
        {
            streamed.Add(item.Message);
        }

        Assert.Equal("HTTP/2 anonymous", reply.Value.Message);
        Assert.Equal(["#0", "#1", "#2"], streamed);
    }

    [Fact]
    public async Task Client_SecureGrpcNode_StreamsAsGrpcOverTls()
    {
        await using var node = await TlsTestNodes.StartAsync(
            _registry,
            _pki.IssueServer(),
            configuration: new() { ["Micro:Server"] = "grpc" },
            map: app => app.MapMicroHandler("Greeter.Wire", (HelloRequest r, MicroContext c) => Wire(c)));
        await using var services = TlsTestNodes.Client(_registry, _pki.AuthorityFile);
        var client = services.GetRequiredService<IMicroClient>();
        var registered = Assert.Single(Assert.Single(await _registry.GetServiceAsync("greeter")).Nodes);

        var streamed = new List<string>();
        await foreach (var item in client.ServerStreamAsync<HelloRequest, HelloReply>("greeter", "Greeter.Wire", new HelloRequest("x")))
        {
            streamed.Add(item.Message);
        }

        Assert.Equal("grpc", registered.Metadata["protocol"]);
        Assert.Equal("true", registered.Metadata["secure"]);
        Assert.Equal(["HTTP/2 https application/grpc+json"], streamed);

        static async IAsyncEnumerable<HelloReply> Wire(MicroContext context)
        {
            await Task.Yield();
            var request = context.HttpContext.Request;
            yield return new HelloReply($"{request.Protocol} {request.Scheme} {request.ContentType}");
        }
    }

    [Fact]
    public async Task KestrelsOwnHttpsEndpoint_RegistersSecureAndIsCalledOverHttp2()
    {
        var server = _pki.IssueServer();
        using var pem = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(server.CertificateFile, server.KeyFile);
        using var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(pem.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12), null);
        await using var node = await MicroTestHost.StartAsync(
            "greeter",
            app => app.MapMicroHandler("Greeter.Hello", (HelloRequest r, MicroContext c) => new HelloReply(c.HttpContext.Request.Protocol)),
            _registry,
            configureBuilder: b => b.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate))));
        await using var services = TlsTestNodes.Client(_registry, _pki.AuthorityFile);

        var reply = await services.GetRequiredService<IMicroClient>().HelloAsync();

        Assert.Equal("HTTP/2", reply.Value.Message);
        Assert.Equal("true", Assert.Single(Assert.Single(await _registry.GetServiceAsync("greeter")).Nodes).Metadata["secure"]);
    }

    [Fact]
    public async Task Client_FixedHttpsAddress_CallsTheTlsNodeWithoutTheRegistry()
    {
        await using var node = await TlsTestNodes.StartAsync(_registry, _pki.IssueServer());
        using var empty = new InMemoryRegistry();
        await using var services = TlsTestNodes.Client(empty, _pki.AuthorityFile);
        var address = $"https://127.0.0.1:{node.BaseAddress().Port}";

        var reply = await services.GetRequiredService<IMicroClient>().HelloAsync(options: new MicroCallOptions { Address = address });
        var plain = await Assert.ThrowsAnyAsync<Exception>(
            () => services.GetRequiredService<IMicroClient>().HelloAsync(options: new MicroCallOptions { Address = $"127.0.0.1:{node.BaseAddress().Port}" }));

        Assert.Equal("HTTP/1.1 anonymous", reply.Value.Message); // a fixed address speaks Go Micro's POST / over HTTP/1.1
        Assert.IsNotType<MicroNodeNotFoundException>(plain); // cleartext to a TLS port: no answer, not a lookup failure
    }

    [Fact]
    public async Task Client_SecureNodeUseHttp2Off_CallsOverHttp11()
    {
        await using var node = await TlsTestNodes.StartAsync(_registry, _pki.IssueServer());
        await using var services = TlsTestNodes.Client(_registry, _pki.AuthorityFile, configuration: new() { ["Micro:Client:UseHttp2"] = "false" });

        var reply = await services.GetRequiredService<IMicroClient>().HelloAsync();

        Assert.Equal("HTTP/1.1 anonymous", reply.Value.Message);
    }

    [Fact]
    public async Task Client_CertificateFromAnotherCa_RejectedForCallsAndStreams()
    {
        using var other = new TestPki("Other CA");
        await using var node = await TlsTestNodes.StartAsync(_registry, other.IssueServer());
        await using var services = TlsTestNodes.Client(_registry, _pki.AuthorityFile);
        var client = services.GetRequiredService<IMicroClient>();

        var call = await Assert.ThrowsAnyAsync<Exception>(() => client.HelloAsync());
        var stream = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await foreach (var item in client.ServerStreamAsync<HelloRequest, HelloReply>("greeter", "Greeter.Count", new HelloRequest("x")))
            {
                Assert.Fail($"received {item.Message} from an untrusted node");
            }
        });

        Assert.Contains(Flatten(call), e => e is System.Security.Authentication.AuthenticationException);
        Assert.Contains(Flatten(stream), e => e is System.Security.Authentication.AuthenticationException);
    }

    [Fact]
    public async Task Client_NoCaFile_SystemStoreRejectsAPrivateCa()
    {
        await using var node = await TlsTestNodes.StartAsync(_registry, _pki.IssueServer());
        await using var services = TlsTestNodes.Client(_registry, caFile: null);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => services.GetRequiredService<IMicroClient>().HelloAsync());

        Assert.Contains(Flatten(error), e => e is System.Security.Authentication.AuthenticationException);
    }

    [Fact]
    public async Task Client_DangerousAcceptAnyServerCertificate_CallsAnUntrustedNode()
    {
        using var other = new TestPki("Other CA");
        await using var node = await TlsTestNodes.StartAsync(_registry, other.IssueServer());
        await using var services = TlsTestNodes.Client(
            _registry, caFile: null, configuration: new() { ["Micro:Tls:DangerousAcceptAnyServerCertificate"] = "true" }, configure: s => s.AddFakeLogging());

        var reply = await services.GetRequiredService<IMicroClient>().HelloAsync();

        Assert.Equal("HTTP/2 anonymous", reply.Value.Message);
        var warning = Assert.Single(services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Name == "TlsAcceptingAnyCertificate");
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
    }

    [Fact]
    public void Options_GoMicroStyleVariables_WinOverConfiguration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Micro:Tls:CaFile"] = "ignored.pem",
            ["Micro:Tls:ReloadInterval"] = "00:00:05",
            ["MICRO_SERVER_TLS_CERT_FILE"] = "/etc/tls/node.crt",
            ["MICRO_SERVER_TLS_KEY_FILE"] = "/etc/tls/node.key",
            ["MICRO_SERVER_TLS_CLIENT_CA_FILE"] = "/etc/tls/clients.pem",
            ["MICRO_CLIENT_TLS_CA_FILE"] = "/etc/tls/ca.pem",
            ["MICRO_CLIENT_TLS_CERT_FILE"] = "/etc/tls/me.crt",
            ["MICRO_CLIENT_TLS_KEY_FILE"] = "/etc/tls/me.key",
        }).Build();
        var options = new MicroTlsOptions();

        new MicroTlsOptionsSetup(configuration).PostConfigure(null, options);

        Assert.Equal(
            ("/etc/tls/node.crt", "/etc/tls/node.key", "/etc/tls/clients.pem", "/etc/tls/ca.pem", "/etc/tls/me.crt", "/etc/tls/me.key", TimeSpan.FromSeconds(5)),
            (options.CertificateFile, options.KeyFile, options.ClientCaFile, options.CaFile, options.ClientCertificateFile, options.ClientKeyFile, options.ReloadInterval));
    }

    [Fact]
    public async Task Start_CertificateWithoutKey_FailsSayingBothAreNeeded()
    {
        var server = _pki.IssueServer();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => TlsTestNodes.StartAsync(_registry, server with { KeyFile = "" }));

        Assert.Contains("Micro:Tls:CertificateFile (MICRO_SERVER_TLS_CERT_FILE) and Micro:Tls:KeyFile (MICRO_SERVER_TLS_KEY_FILE) go together: set both (PEM files), or neither.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_MissingCertificateFile_FailsNamingTheFile()
    {
        var server = _pki.IssueServer() with { CertificateFile = Path.Combine(_pki.Directory, "missing.crt") };

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => TlsTestNodes.StartAsync(_registry, server));

        Assert.Contains($"The certificate '{server.CertificateFile}' with key '{server.KeyFile}' (Micro:Tls:CertificateFile/KeyFile, MICRO_SERVER_TLS_CERT_FILE/MICRO_SERVER_TLS_KEY_FILE) cannot be loaded:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_KeyOfAnotherCertificate_Fails()
    {
        var server = _pki.IssueServer() with { KeyFile = _pki.IssueServer().KeyFile };

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => TlsTestNodes.StartAsync(_registry, server));

        Assert.Contains("cannot be loaded", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_TlsWithCleartextHttp2Address_FailsSayingToRemoveIt()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => TlsTestNodes.StartAsync(
            _registry, _pki.IssueServer(), configuration: new() { ["Micro:Http2Address"] = "127.0.0.1:0" }));

        Assert.Contains("With TLS the main address serves HTTP/2 (ALPN), so the cleartext HTTP/2 address '127.0.0.1:0' (Micro:Http2Address / MICRO_SERVER_HTTP2_ADDRESS) would only bypass TLS: remove it.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_TlsWithoutAddress_FailsSayingToSetIt()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => MicroTestHost.StartAsync(
            "greeter",
            app => app.MapMicroHandlers(),
            _registry,
            configureBuilder: b =>
            {
                var server = _pki.IssueServer();
                b.Configuration["Micro:Tls:CertificateFile"] = server.CertificateFile;
                b.Configuration["Micro:Tls:KeyFile"] = server.KeyFile;
            }));

        Assert.Contains("TLS (Micro:Tls:CertificateFile / MICRO_SERVER_TLS_CERT_FILE) is served on the main address: set Micro:Address / MICRO_SERVER_ADDRESS", ex.Message, StringComparison.Ordinal);
    }

    internal static IEnumerable<Exception> Flatten(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Flatten))
                {
                    yield return inner;
                }
            }
        }
    }
}
