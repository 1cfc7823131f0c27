using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MicroHosting.Security.Internal;

/// <summary>Reads the PEM certificate, key and CA files <see cref="Hosting.MicroTlsOptions"/> names, with errors that say which file is wrong.</summary>
internal static class PemFiles
{
    /// <summary>Loads a certificate with its private key, and the intermediates that follow it in the file; <see langword="null"/> when not configured.</summary>
    public static PemCertificate? LoadCertificate(string? certificateFile, string? keyFile, string setting)
    {
        if (string.IsNullOrWhiteSpace(certificateFile) || string.IsNullOrWhiteSpace(keyFile))
        {
            return null;
        }

        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);

            // A PEM key is ephemeral, which Windows' TLS stack cannot use; a PKCS#12 round trip gives a key every platform can.
            var certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
            var all = new X509Certificate2Collection();
            all.ImportFromPemFile(certificateFile);
            var chain = new X509Certificate2Collection();
            foreach (var item in all)
            {
                if (!string.Equals(item.Thumbprint, certificate.Thumbprint, StringComparison.Ordinal))
                {
                    chain.Add(item);
                }
            }

            return new PemCertificate(certificate, chain);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new InvalidOperationException(
                $"The certificate '{certificateFile}' with key '{keyFile}' ({setting}) cannot be loaded: {ex.Message} Give PEM files: the certificate (then any intermediates) and its unencrypted private key.",
                ex);
        }
    }

    /// <summary>Loads the CA certificates of a PEM file; <see langword="null"/> when not configured.</summary>
    public static X509Certificate2Collection? LoadAuthorities(string? file, string setting)
    {
        if (string.IsNullOrWhiteSpace(file))
        {
            return null;
        }

        try
        {
            var authorities = new X509Certificate2Collection();
            authorities.ImportFromPemFile(file);
            return authorities.Count > 0
                ? authorities
                : throw new InvalidOperationException($"The CA file '{file}' ({setting}) holds no certificate. Give a PEM file with one or more -----BEGIN CERTIFICATE----- blocks.");
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new InvalidOperationException($"The CA file '{file}' ({setting}) cannot be loaded: {ex.Message} Give a PEM file with one or more CA certificates.", ex);
        }
    }
}
