namespace MicroHosting.TestUtilities.Tls;

/// <summary>A certificate issued by <see cref="TestPki"/>: its PEM files and what identifies it.</summary>
/// <param name="CertificateFile">The certificate's PEM file.</param>
/// <param name="KeyFile">The private key's PEM file (PKCS#8, unencrypted).</param>
/// <param name="Thumbprint">The certificate's SHA-1 thumbprint.</param>
/// <param name="Subject">The certificate's subject, for example <c>CN=caller</c>.</param>
public sealed record TestCertificate(string CertificateFile, string KeyFile, string Thumbprint, string Subject);
