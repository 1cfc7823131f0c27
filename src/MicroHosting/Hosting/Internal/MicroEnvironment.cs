namespace MicroHosting.Hosting.Internal;

/// <summary>Go Micro's environment variable names (its <c>cmd</c> package).</summary>
internal static class MicroEnvironment
{
    /// <summary>Gets <paramref name="key"/> from <paramref name="configuration"/>, trimmed; <see langword="null"/> when unset or blank.</summary>
    public static string? Read(Microsoft.Extensions.Configuration.IConfiguration configuration, string key)
    {
        var value = configuration[key];
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    public const string Server = "MICRO_SERVER";
    public const string ServerName = "MICRO_SERVER_NAME";
    public const string ServerVersion = "MICRO_SERVER_VERSION";
    public const string ServerId = "MICRO_SERVER_ID";
    public const string ServerAddress = "MICRO_SERVER_ADDRESS";
    public const string ServerHttp2Address = "MICRO_SERVER_HTTP2_ADDRESS";
    public const string ServerAdvertise = "MICRO_SERVER_ADVERTISE";
    public const string ServerMetadata = "MICRO_SERVER_METADATA";
    public const string Registry = "MICRO_REGISTRY";
    public const string RegistryAddress = "MICRO_REGISTRY_ADDRESS";
    public const string RegisterTtl = "MICRO_REGISTER_TTL";
    public const string RegisterInterval = "MICRO_REGISTER_INTERVAL";
    public const string Broker = "MICRO_BROKER";
    public const string BrokerAddress = "MICRO_BROKER_ADDRESS";
    public const string ClientRetries = "MICRO_CLIENT_RETRIES";
    public const string ClientRequestTimeout = "MICRO_CLIENT_REQUEST_TIMEOUT";
    public const string Selector = "MICRO_SELECTOR";
    public const string ServerTlsCertFile = "MICRO_SERVER_TLS_CERT_FILE";
    public const string ServerTlsKeyFile = "MICRO_SERVER_TLS_KEY_FILE";
    public const string ServerTlsClientCaFile = "MICRO_SERVER_TLS_CLIENT_CA_FILE";
    public const string ClientTlsCaFile = "MICRO_CLIENT_TLS_CA_FILE";
    public const string ClientTlsCertFile = "MICRO_CLIENT_TLS_CERT_FILE";
    public const string ClientTlsKeyFile = "MICRO_CLIENT_TLS_KEY_FILE";
    public const string ClientToken = "MICRO_CLIENT_TOKEN";
    public const string ClientTokenFile = "MICRO_CLIENT_TOKEN_FILE";
}
