using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MicroHosting.Security.Internal;

/// <summary>Checks a peer's certificate against a configured set of CAs only (not the system store): chain, validity dates and purpose.</summary>
internal static class CertificateTrust
{
    /// <summary>The extended key usage a node's certificate must allow (or not restrict).</summary>
    public static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1", "Server Authentication");

    /// <summary>The extended key usage a caller's certificate must allow (or not restrict).</summary>
    public static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2", "Client Authentication");

    /// <summary>Gets whether <paramref name="certificate"/> chains to one of <paramref name="authorities"/>, is within its dates and allows <paramref name="purpose"/>.</summary>
    public static bool IsTrusted(X509Certificate2 certificate, X509Chain? presented, X509Certificate2Collection authorities, Oid purpose)
    {
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.AddRange(authorities);
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.ApplicationPolicy.Add(purpose);
        if (presented is not null)
        {
            // The intermediates the peer sent with its certificate.
            foreach (var element in presented.ChainElements)
            {
                policy.ExtraStore.Add(element.Certificate);
            }
        }

        return chain.Build(certificate);
    }
}
