using System.Diagnostics;
using MicroHosting.TestUtilities;
using MicroHosting.TestUtilities.Etcd;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Registry.Etcd.Tests;

/// <summary>TLS and username/password reach a real etcd that requires them.</summary>
public sealed class SecureEtcdTests
{
    private static MicroService Service(string name) => new()
    {
        Name = name,
        Nodes = [new MicroNode { Id = name + "-1", Address = "127.0.0.1", Port = 8080 }],
    };

    [ExternalServerFact("etcd", "etcd-server", "etcdctl", "etcd-client")]
    public async Task Register_WithUsernameAndPassword_WorksAndWrongPasswordIsRefused()
    {
        await using var etcd = await EtcdServer.StartAsync();
        var etcdctl = ExternalServer.Require("etcdctl", "etcd-client");
        await RunAsync(etcdctl, "--endpoints", etcd.ClientAddress, "user", "add", "root:s3cret");
        await RunAsync(etcdctl, "--endpoints", etcd.ClientAddress, "user", "grant-role", "root", "root");
        await RunAsync(etcdctl, "--endpoints", etcd.ClientAddress, "auth", "enable");

        using var good = Build(o => { o.Addresses = etcd.ClientAddress; o.Username = "root"; o.Password = "s3cret"; });
        var registry = good.GetRequiredService<IRegistry>();
        await registry.RegisterAsync(Service("authed"), TimeSpan.FromSeconds(30));
        Assert.Single(await registry.GetServiceAsync("authed"));

        using var bad = Build(o => { o.Addresses = etcd.ClientAddress; o.Username = "root"; o.Password = "wrong"; });
        var refused = await Assert.ThrowsAsync<MicroException>(() => bad.GetRequiredService<IRegistry>().RegisterAsync(Service("intruder"), TimeSpan.FromSeconds(30)));
        Assert.Equal("go.micro.registry", refused.Id);
        Assert.Contains("authentication failed, invalid user ID or password", refused.Detail, StringComparison.Ordinal);
        Assert.Empty(await registry.GetServiceAsync("intruder"));
    }

    [ExternalServerFact("etcd", "etcd-server", "openssl", "openssl")]
    public async Task Register_OverTlsWithTheCa_Works()
    {
        var directory = Directory.CreateTempSubdirectory("etcd-tls-").FullName;
        var (ca, cert, key) = await CreateCertificatesAsync(directory);
        await using var etcd = await EtcdServer.StartAsync(cert, key);

        using var provider = Build(o => { o.Addresses = etcd.ClientAddress; o.UseTls = true; o.CaFile = ca; });
        var registry = provider.GetRequiredService<IRegistry>();
        await registry.RegisterAsync(Service("tls"), TimeSpan.FromSeconds(30));

        Assert.Single(await registry.GetServiceAsync("tls"));
        Directory.Delete(directory, recursive: true);
    }

    private static ServiceProvider Build(Action<EtcdRegistryOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddLogging();
        services.AddMicroCore().AddEtcdRegistry(configure);
        return services.BuildServiceProvider();
    }

    private static async Task<(string Ca, string Cert, string Key)> CreateCertificatesAsync(string directory)
    {
        string P(string file) => Path.Combine(directory, file);
        await File.WriteAllTextAsync(P("san.cnf"), "subjectAltName=IP:127.0.0.1\n");
        await RunAsync("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test-ca", "-keyout", P("ca.key"), "-out", P("ca.pem"));
        await RunAsync("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", P("server.key"), "-out", P("server.csr"));
        await RunAsync("openssl", "x509", "-req", "-in", P("server.csr"), "-CA", P("ca.pem"), "-CAkey", P("ca.key"), "-CAcreateserial", "-days", "1", "-extfile", P("san.cnf"), "-out", P("server.pem"));
        return (P("ca.pem"), P("server.pem"), P("server.key"));
    }

    private static async Task RunAsync(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', arguments)} failed: {await output}{await error}");
    }
}
