using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MicroHosting.Tests.Security;

/// <summary>A bearer scheme for tests: <c>Bearer good</c> (and <c>Bearer good-*</c>) authenticates as <c>svc</c>, anything else fails.</summary>
internal sealed class TestTokenAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string Name = "TestToken";

    public static void Add(IServiceCollection services)
    {
        services.AddAuthentication(Name).AddScheme<AuthenticationSchemeOptions, TestTokenAuthentication>(Name, null);
        services.AddAuthorization();
    }

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        return Task.FromResult(header == "Bearer good" || header.StartsWith("Bearer good-", StringComparison.Ordinal)
            ? AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "svc")], Name)), Name))
            : AuthenticateResult.Fail("unknown token"));
    }
}
