using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using MicroHosting.Registry;
using MicroHosting.Tests.Client;
using MicroHosting.TestUtilities;
using MicroHosting.TestUtilities.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Tests.Security;

/// <summary>TLS nodes and clients for the security tests: a greeter that says which protocol and caller it saw, and a stream.</summary>
internal static class TlsTestNodes
{
    public static Task<WebApplication> StartAsync(
        IRegistry registry,
        TestCertificate server,
        string? clientCaFile = null,
        Dictionary<string, string?>? configuration = null,
        Action<WebApplicationBuilder>? configureBuilder = null,
        Action<WebApplication>? map = null,
        string name = "greeter")
        => MicroTestHost.StartAsync(
            name,
            app =>
            {
                app.MapMicroHandler("Greeter.Hello", (HelloRequest r, MicroContext c) =>
                    new HelloReply($"{c.HttpContext.Request.Protocol} {c.HttpContext.Connection.ClientCertificate?.Subject ?? "anonymous"}"));
                app.MapMicroHandler("Greeter.Count", (HelloRequest r) => Count(3));
                map?.Invoke(app);
            },
            registry,
            configureBuilder: b =>
            {
                b.Configuration["Micro:Tls:CertificateFile"] = server.CertificateFile;
                b.Configuration["Micro:Tls:KeyFile"] = server.KeyFile;
                b.Configuration["Micro:Tls:ClientCaFile"] = clientCaFile;
                foreach (var (key, value) in configuration ?? [])
                {
                    b.Configuration[key] = value;
                }

                configureBuilder?.Invoke(b);
            },
            configureOptions: o => o.Address = "127.0.0.1:0");

    /// <summary>A pure client trusting <paramref name="caFile"/>, presenting <paramref name="certificate"/> when given.</summary>
    public static ServiceProvider Client(
        IRegistry registry, string? caFile, TestCertificate? certificate = null, Dictionary<string, string?>? configuration = null, Action<IServiceCollection>? configure = null)
    {
        var settings = new Dictionary<string, string?>(configuration ?? [])
        {
            ["Micro:Tls:CaFile"] = caFile,
            ["Micro:Tls:ClientCertificateFile"] = certificate?.CertificateFile,
            ["Micro:Tls:ClientKeyFile"] = certificate?.KeyFile,
            ["Micro:Client:Retries"] = "0",
        };
        return TestClient.Create(registry, settings, configure);
    }

    /// <summary>A plain HttpClient trusting only <paramref name="authority"/>; records the server certificate it saw.</summary>
    public static HttpClient Http(X509Certificate2 authority, List<string>? seen = null, X509Certificate2? clientCertificate = null)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            seen?.Add(((X509Certificate2)certificate!).Thumbprint);
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(authority);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0 && chain.Build((X509Certificate2)certificate!);
        };
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }

        return new HttpClient(handler);
    }

    private static async IAsyncEnumerable<HelloReply> Count(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await Task.Yield();
            yield return new HelloReply($"#{i}");
        }
    }
}
