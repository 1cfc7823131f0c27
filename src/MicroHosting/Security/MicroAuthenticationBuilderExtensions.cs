using MicroHosting.Security;
using MicroHosting.Security.Internal;
using Microsoft.AspNetCore.Authentication;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds MicroHosting's authentication schemes to ASP.NET Core authentication.</summary>
public static class MicroAuthenticationBuilderExtensions
{
    /// <summary>
    /// Adds the mutual TLS scheme: on a node that requires client certificates (<c>Micro:Tls:ClientCaFile</c> /
    /// <c>MICRO_SERVER_TLS_CLIENT_CA_FILE</c>), the caller's certificate becomes <c>HttpContext.User</c>, with claims
    /// <see cref="System.Security.Claims.ClaimTypes.Name"/> (common name), <c>NameIdentifier</c> (subject),
    /// <c>Dns</c> and <c>Uri</c> (subject alternative names, for example SPIFFE ids) and <c>Thumbprint</c>, for
    /// authorization policies (<c>RequireClaim(ClaimTypes.Uri, "spiffe://example.org/billing")</c>). Without mutual TLS
    /// the scheme authenticates no one.
    /// </summary>
    /// <param name="builder">The authentication builder.</param>
    /// <param name="authenticationScheme">The scheme name; default <see cref="MicroCertificateAuthenticationDefaults.AuthenticationScheme"/>.</param>
    /// <returns>The builder.</returns>
    public static AuthenticationBuilder AddMicroCertificate(this AuthenticationBuilder builder, string authenticationScheme = MicroCertificateAuthenticationDefaults.AuthenticationScheme)
    {
        ArgumentNullException.ThrowIfNull(builder);
        SecurityServices.AddServer(builder.Services);
        return builder.AddScheme<AuthenticationSchemeOptions, MicroCertificateAuthenticationHandler>(authenticationScheme, displayName: "MicroHosting client certificate", configureOptions: null);
    }
}
