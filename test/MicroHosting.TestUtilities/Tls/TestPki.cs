using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MicroHosting.TestUtilities.Tls;

/// <summary>
/// A throw-away PKI for TLS tests: a CA, and certificates it signs written as PEM files (certificate and unencrypted
/// key) into a temporary directory removed on dispose. Server certificates name 127.0.0.1, ::1 and localhost.
/// </summary>
public sealed class TestPki : IDisposable
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    /// <summary>Creates a CA named <paramref name="name"/> in a new temporary directory.</summary>
    /// <param name="name">The CA's common name.</param>
    public TestPki(string name = "MicroHosting Test CA")
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("microhosting-pki-").FullName;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        Authority = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-90), DateTimeOffset.UtcNow.AddYears(1));
        AuthorityFile = Path.Combine(Directory, $"ca-{Guid.NewGuid():N}.pem");
        File.WriteAllText(AuthorityFile, Authority.ExportCertificatePem());
    }

    /// <summary>Gets the directory the files are written to.</summary>
    public string Directory { get; }

    /// <summary>Gets the CA certificate (with its key).</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>Gets the CA certificate's PEM file.</summary>
    public string AuthorityFile { get; }

    /// <summary>Issues a server certificate for 127.0.0.1, ::1 and localhost.</summary>
    /// <param name="name">The common name.</param>
    /// <returns>The PEM files.</returns>
    public TestCertificate IssueServer(string name = "node") => Issue(name, ServerAuth, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), san: true);

    /// <summary>Issues a client certificate.</summary>
    /// <param name="name">The common name (the caller's identity).</param>
    /// <param name="expired">Whether the certificate's validity ended yesterday.</param>
    /// <returns>The PEM files.</returns>
    public TestCertificate IssueClient(string name = "caller", bool expired = false)
        => expired
            ? Issue(name, ClientAuth, DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(-1), san: false)
            : Issue(name, ClientAuth, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), san: false);

    /// <summary>Overwrites <paramref name="target"/>'s files with <paramref name="source"/>'s (a rotation in place).</summary>
    /// <param name="source">The new certificate.</param>
    /// <param name="target">The files in use.</param>
    public static void Replace(TestCertificate source, TestCertificate target)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        File.Copy(source.KeyFile, target.KeyFile, overwrite: true);
        File.Copy(source.CertificateFile, target.CertificateFile, overwrite: true);

        // Some file systems keep one-second write times: make the change visible whatever the clock resolution.
        var later = DateTime.UtcNow.AddSeconds(2);
        File.SetLastWriteTimeUtc(target.KeyFile, later);
        File.SetLastWriteTimeUtc(target.CertificateFile, later);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Authority.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a server being torn down: the temporary directory is cleaned up by the system.
        }
    }

    private TestCertificate Issue(string name, Oid usage, DateTimeOffset notBefore, DateTimeOffset notAfter, bool san)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], false));
        var names = new SubjectAlternativeNameBuilder();
        if (san)
        {
            names.AddIpAddress(IPAddress.Loopback);
            names.AddIpAddress(IPAddress.IPv6Loopback);
            names.AddDnsName("localhost");
        }
        else
        {
            names.AddUri(new Uri($"spiffe://microhosting.test/{name}"));
        }

        request.CertificateExtensions.Add(names.Build());
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var certificate = request.Create(Authority, notBefore, notAfter, serial);
        var id = Guid.NewGuid().ToString("N");
        var certificateFile = Path.Combine(Directory, $"{name}-{id}.crt");
        var keyFile = Path.Combine(Directory, $"{name}-{id}.key");
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        return new TestCertificate(certificateFile, keyFile, certificate.Thumbprint, certificate.Subject);
    }
}
