namespace MicroHosting.Security;

/// <summary>Names used by the mutual TLS authentication scheme (<c>AddMicroCertificate</c>).</summary>
public static class MicroCertificateAuthenticationDefaults
{
    /// <summary>The default scheme name, <c>MicroCertificate</c>.</summary>
    public const string AuthenticationScheme = "MicroCertificate";

    /// <summary>The claim type of the certificate's SHA-256 thumbprint (hex, upper case).</summary>
    public const string Sha256ThumbprintClaimType = "micro:certificate:sha256";
}
