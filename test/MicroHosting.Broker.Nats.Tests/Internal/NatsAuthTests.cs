using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MicroHosting.Registry;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NATS.NKeys;

namespace MicroHosting.Broker.Nats.Tests.Internal;

/// <summary>Credentials and TLS from configuration (<c>Micro:Nats:*</c>) against real nats-servers that require them.</summary>
public sealed class NatsAuthTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("nats-auth-");

    public sealed record Ping(int Number);

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task Token_FromConfiguration_ConnectsAndWrongTokenFailsWithinPublishTimeout()
    {
        await using var server = await NatsServer.StartAsync("--auth", "s3cret-token");
        await RoundTripAsync(server.Url, new() { ["Micro:Nats:Token"] = "s3cret-token" });

        // The publish waits for the connect, which fails on the server's answer: a bound far above any connect (the first
        // of a new connection can take seconds on a loaded machine), so the error is the connect's, never the bound's.
        await using var wrong = await StartAsync(server.Url, new() { ["Micro:Nats:Token"] = "wrong", ["Micro:Nats:PublishTimeout"] = "00:00:30" });
        var error = await Assert.ThrowsAsync<MicroException>(() => wrong.Services.GetRequiredService<IMicroPublisher>().PublishAsync("auth.ping", new Ping(1)));
        Assert.Equal(503, error.Code);
        Assert.StartsWith($"The NATS broker could not connect to {server.Url}: ", error.Detail, StringComparison.Ordinal);
        Assert.Contains("Authorization Violation", error.Detail, StringComparison.Ordinal);
        Assert.EndsWith("; check the credentials (Micro:Nats:Token, User/Password, NKeySeed or CredentialsFile).", error.Detail, StringComparison.Ordinal);
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task UserAndPassword_FromConfiguration_Connects()
    {
        await using var server = await NatsServer.StartAsync("--user", "billing", "--pass", "pa55word");
        await RoundTripAsync(server.Url, new() { ["Micro:Nats:User"] = "billing", ["Micro:Nats:Password"] = "pa55word" });
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task NKeySeed_FromConfiguration_Connects()
    {
        using var user = KeyPair.CreatePair(PrefixByte.User);
        var config = Path.Combine(_directory.FullName, "nkey.conf");
        await File.WriteAllTextAsync(config, $$"""authorization { users = [ { nkey: "{{user.GetPublicKey()}}" } ] }""");
        await using var server = await NatsServer.StartAsync("-c", config);
        await RoundTripAsync(server.Url, new() { ["Micro:Nats:NKeySeed"] = user.GetSeed() });
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task TlsWithPrivateCaAndToken_FromConfiguration_Connects()
    {
        var (caFile, certFile, keyFile) = WriteCertificates();
        await using var server = await NatsServer.StartAsync("--tls", "--tlscert", certFile, "--tlskey", keyFile, "--auth", "tls-token");
        await RoundTripAsync(server.Url, new() { ["Micro:Nats:Token"] = "tls-token", ["Micro:Nats:TlsCaFile"] = caFile, ["Micro:Nats:TlsRequired"] = "true" });
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task Tls_ServerCertificateFromUnknownCa_Rejected()
    {
        var (_, certFile, keyFile) = WriteCertificates();
        var (otherCa, _, _) = WriteCertificates("other");
        await using var server = await NatsServer.StartAsync("--tls", "--tlscert", certFile, "--tlskey", keyFile);
        // As with a wrong token: the TLS handshake (cold on a new connection) fails long before this bound.
        await using var app = await StartAsync(server.Url, new() { ["Micro:Nats:TlsCaFile"] = otherCa, ["Micro:Nats:PublishTimeout"] = "00:00:30" });
        var error = await Assert.ThrowsAsync<MicroException>(() => app.Services.GetRequiredService<IMicroPublisher>().PublishAsync("auth.ping", new Ping(1)));
        Assert.EndsWith("; check TLS (Micro:Nats:TlsCaFile must hold the CA of the server's certificate; TlsCertFile/TlsKeyFile when the server verifies clients).", error.Detail, StringComparison.Ordinal);
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task JetStream_TlsAndToken_FromConfiguration_PublishesAndConsumes()
    {
        var (caFile, certFile, keyFile) = WriteCertificates();
        await using var server = await NatsServer.StartJetStreamAsync("--tls", "--tlscert", certFile, "--tlskey", keyFile, "--auth", "js-token");
        var settings = new Dictionary<string, string?> { ["Micro:Nats:Token"] = "js-token", ["Micro:Nats:TlsCaFile"] = caFile };
        var sink = new MessageSink<int>();
        await using var app = await MicroTestHost.StartAsync(
            "auth",
            _ => { },
            new InMemoryRegistry(),
            configure: m => m.AddNatsJetStream(o => o.Url = server.Url),
            configureBuilder: b =>
            {
                b.Configuration.AddInMemoryCollection(settings);
                b.Services.AddMicroSubscriber<Ping>("auth.durable", (p, _) =>
                {
                    sink.Add(p.Number);
                    return Task.CompletedTask;
                });
            });

        await app.Services.GetRequiredService<IMicroPublisher>().PublishAsync("auth.durable", new Ping(3));
        Assert.Equal([3], await sink.WaitForAsync(1));
    }

    [Fact]
    public async Task Options_CertificateWithoutKey_FailsAtStartWithFix()
    {
        var (_, certFile, _) = WriteCertificates();
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => StartAsync("nats://127.0.0.1:1", new() { ["Micro:Nats:TlsCertFile"] = certFile }));
        Assert.Contains("Micro:Nats:TlsCertFile and Micro:Nats:TlsKeyFile go together: set both (a client certificate and its key) or neither.", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Delete(recursive: true);

    private static async Task RoundTripAsync(string url, Dictionary<string, string?> settings)
    {
        var sink = new MessageSink<int>();
        await using var subscriber = await StartAsync(url, settings, s => s.AddMicroSubscriber<Ping>("auth.ping", (p, _) =>
        {
            sink.Add(p.Number);
            return Task.CompletedTask;
        }));
        await using var publisher = await StartAsync(url, settings);
        await publisher.Services.GetRequiredService<IMicroPublisher>().PublishAsync("auth.ping", new Ping(7));
        Assert.Equal([7], await sink.WaitForAsync(1));
    }

    private static Task<WebApplication> StartAsync(string url, Dictionary<string, string?> settings, Action<IServiceCollection>? services = null)
        => MicroTestHost.StartAsync(
            "auth",
            _ => { },
            new InMemoryRegistry(),
            configure: m => m.AddNatsBroker(o => o.Url = url),
            configureBuilder: b =>
            {
                b.Configuration.AddInMemoryCollection(settings);
                services?.Invoke(b.Services);
            });

    /// <summary>A CA and a server certificate for 127.0.0.1 it signed, as PEM files.</summary>
    private (string CaFile, string CertFile, string KeyFile) WriteCertificates(string name = "test")
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={name} CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var cert = request.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), RandomNumberGenerator.GetBytes(8));

        var caFile = Path.Combine(_directory.FullName, $"{name}-ca.pem");
        var certFile = Path.Combine(_directory.FullName, $"{name}-server.pem");
        var keyFile = Path.Combine(_directory.FullName, $"{name}-server-key.pem");
        File.WriteAllText(caFile, ca.ExportCertificatePem());
        File.WriteAllText(certFile, cert.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        return (caFile, certFile, keyFile);
    }
}
