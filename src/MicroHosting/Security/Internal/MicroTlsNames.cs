namespace MicroHosting.Security.Internal;

/// <summary>How error messages name the TLS settings: the configuration key and its variable.</summary>
internal static class MicroTlsNames
{
    public const string Server = "Micro:Tls:CertificateFile/KeyFile, MICRO_SERVER_TLS_CERT_FILE/MICRO_SERVER_TLS_KEY_FILE";
    public const string Client = "Micro:Tls:ClientCertificateFile/ClientKeyFile, MICRO_CLIENT_TLS_CERT_FILE/MICRO_CLIENT_TLS_KEY_FILE";
    public const string ClientCa = "Micro:Tls:ClientCaFile, MICRO_SERVER_TLS_CLIENT_CA_FILE";
    public const string Ca = "Micro:Tls:CaFile, MICRO_CLIENT_TLS_CA_FILE";
}
