using System.Formats.Asn1;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MicroHosting.Security.Internal;

/// <summary>
/// Turns the caller's TLS client certificate into <c>HttpContext.User</c> when the node requires client certificates
/// (<c>Micro:Tls:ClientCaFile</c>), so the handshake already checked it against the client CA: name (common name),
/// name identifier (subject), DNS and URI subject alternative names (SPIFFE ids), thumbprints. Without mutual TLS it
/// reports no result: an unchecked certificate is no identity.
/// </summary>
internal sealed class MicroCertificateAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, MicroServerTls tls)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string SubjectAlternativeNameOid = "2.5.29.17";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!tls.RequiresClientCertificate || Context.Connection.ClientCertificate is not { } certificate)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var issuer = certificate.Issuer;
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, certificate.Subject, ClaimValueTypes.String, issuer),
            new(ClaimTypes.Name, certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false), ClaimValueTypes.String, issuer),
            new(ClaimTypes.X500DistinguishedName, certificate.Subject, ClaimValueTypes.String, issuer),
            new(ClaimTypes.Thumbprint, certificate.Thumbprint, ClaimValueTypes.Base64Binary, issuer),
            new(MicroCertificateAuthenticationDefaults.Sha256ThumbprintClaimType, certificate.GetCertHashString(HashAlgorithmName.SHA256), ClaimValueTypes.String, issuer),
        };
        if (certificate.Extensions[SubjectAlternativeNameOid] is { } san)
        {
            AddAlternativeNames(claims, san.RawData, issuer);
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name, ClaimTypes.Name, ClaimTypes.Role));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name)));
    }

    /// <summary>Reads DNS names (<c>[2]</c>) and URIs (<c>[6]</c>) from the GeneralNames of a subject alternative name extension.</summary>
    internal static void AddAlternativeNames(List<Claim> claims, byte[] extension, string issuer)
    {
        try
        {
            var names = new AsnReader(extension, AsnEncodingRules.DER).ReadSequence();
            while (names.HasData)
            {
                var tag = names.PeekTag();
                if (tag.TagClass == TagClass.ContextSpecific && tag.TagValue == 2)
                {
                    claims.Add(new Claim(ClaimTypes.Dns, names.ReadCharacterString(UniversalTagNumber.IA5String, tag), ClaimValueTypes.String, issuer));
                }
                else if (tag.TagClass == TagClass.ContextSpecific && tag.TagValue == 6)
                {
                    claims.Add(new Claim(ClaimTypes.Uri, names.ReadCharacterString(UniversalTagNumber.IA5String, tag), ClaimValueTypes.String, issuer));
                }
                else
                {
                    names.ReadEncodedValue();
                }
            }
        }
        catch (AsnContentException)
        {
            // A malformed extension adds no names; the handshake already accepted the certificate itself.
        }
    }
}
