using MicroHosting.Client;
using MicroHosting.Client.Internal;

namespace MicroHosting.Security.Internal;

/// <summary>
/// Puts the <see cref="IMicroCredentialProvider"/>'s credential on an attempt: unary calls through
/// <see cref="MicroCredentialHandler"/>, streams on their opening request (WebSocket upgrade, gRPC call). A call that sets <c>Authorization</c> itself
/// (<c>MicroCallOptions.Metadata</c>) keeps its own.
/// </summary>
internal sealed class MicroCredentials(IMicroCredentialProvider? provider = null)
{
    public const string AuthorizationHeader = "Authorization";

    /// <summary>Gets whether there is a credential to ask for: a provider other than the default with nothing configured.</summary>
    public bool Enabled { get; } = provider is not null and not ConfiguredTokenProvider { IsEmpty: true };

    public ValueTask<string?> GetAsync(string service, string? endpoint, string address, bool secure, CancellationToken cancellationToken)
        => provider is null ? ValueTask.FromResult<string?>(null) : provider.GetAuthorizationAsync(new MicroCredentialContext(service, endpoint, address, secure), cancellationToken);

    /// <summary>Gets the credential for a stream's opening request, unless the call's own metadata (<paramref name="headers"/>) carries one.</summary>
    public async ValueTask<string?> ForStreamAsync(MicroCallState state, NodeCandidate node, HttpRequestMessage headers, CancellationToken cancellationToken)
    {
        if (!Enabled || headers.Headers.Contains(AuthorizationHeader))
        {
            return null;
        }

        return await GetAsync(state.Service, state.Endpoint, node.Node.HostPort, node.BaseUri.Scheme == Uri.UriSchemeHttps, cancellationToken).ConfigureAwait(false);
    }
}
