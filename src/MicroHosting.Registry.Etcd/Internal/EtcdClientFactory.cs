using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using dotnet_etcd;
using Grpc.Net.Client;
using Grpc.Net.Client.Configuration;

namespace MicroHosting.Registry.Etcd.Internal;

/// <summary>Creates the <c>dotnet-etcd</c> client from <see cref="EtcdRegistryOptions"/>.</summary>
internal static class EtcdClientFactory
{
    // After etcd comes back the channel reconnects within this; gRPC's default (120 s) would leave the registry blind for minutes.
    private static readonly TimeSpan MaxReconnectBackoff = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan KeepAlivePingDelay = TimeSpan.FromSeconds(10);

    public static bool IsSecure(EtcdRegistryOptions options)
        => options.UseTls
            || !string.IsNullOrEmpty(options.CaFile)
            || !string.IsNullOrEmpty(options.CertFile)
            || options.InsecureSkipTlsVerify
            || options.Addresses.Contains("https://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Gets the connection string (<c>http://a:2379,http://b:2379</c>) for the options.</summary>
    public static string ConnectionString(EtcdRegistryOptions options)
    {
        if (!EtcdAddresses.TryParse(options.Addresses, IsSecure(options), out var uris, out var invalid))
        {
            throw new InvalidOperationException(
                $"The etcd address '{invalid}' (Micro:Etcd:Addresses / MICRO_REGISTRY_ADDRESS) is not host:port. Use a comma-separated list such as 127.0.0.1:2379,10.0.0.6:2379.");
        }

        return string.Join(',', uris.Select(u => u.GetLeftPart(UriPartial.Authority)));
    }

    public static EtcdClient Create(EtcdRegistryOptions options)
    {
        var connection = ConnectionString(options);
        void ConfigureChannel(GrpcChannelOptions channel)
        {
            // No gRPC-level retries: the registration loop and the watcher retry with their own backoff, and a
            // lookup against a dead etcd should fail at once so the caller can serve from its cache.
            channel.ServiceConfig = new ServiceConfig { LoadBalancingConfigs = { new RoundRobinConfig() } };
            channel.MaxReconnectBackoff = MaxReconnectBackoff;
            if (channel.HttpHandler is SocketsHttpHandler handler)
            {
                handler.ConnectTimeout = options.DialTimeout;
                handler.KeepAlivePingDelay = KeepAlivePingDelay;
                handler.KeepAlivePingTimeout = options.DialTimeout;
            }
        }

        var client = IsSecure(options)
            ? new EtcdClient(connection, ssl => ConfigureTls(ssl, options), configureChannelOptions: ConfigureChannel)
            : new EtcdClient(connection, configureChannelOptions: ConfigureChannel);
        if (!string.IsNullOrEmpty(options.Username) && !string.IsNullOrEmpty(options.Password))
        {
            client.SetCredentials(options.Username, options.Password);
        }

        return client;
    }

    private static void ConfigureTls(SslClientAuthenticationOptions ssl, EtcdRegistryOptions options)
    {
        if (!string.IsNullOrEmpty(options.CertFile) && !string.IsNullOrEmpty(options.KeyFile))
        {
            ssl.ClientCertificates = [X509Certificate2.CreateFromPemFile(options.CertFile, options.KeyFile)];
        }

        if (options.InsecureSkipTlsVerify)
        {
            ssl.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }
        else if (!string.IsNullOrEmpty(options.CaFile))
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(options.CaFile);
            ssl.RemoteCertificateValidationCallback = (_, certificate, _, errors) => IsTrusted(roots, certificate, errors);
        }
    }

    private static bool IsTrusted(X509Certificate2Collection roots, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is not X509Certificate2 server || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            return false; // no certificate, or a name mismatch: the CA file does not excuse those
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(server);
    }
}
