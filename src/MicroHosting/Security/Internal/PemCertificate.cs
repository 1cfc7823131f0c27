using System.Security.Cryptography.X509Certificates;

namespace MicroHosting.Security.Internal;

/// <summary>A certificate with its private key, and the intermediates sent with it.</summary>
internal sealed record PemCertificate(X509Certificate2 Certificate, X509Certificate2Collection Chain);
