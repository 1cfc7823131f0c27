using System.Net.WebSockets;
using MicroHosting.Client;
using MicroHosting.Client.Internal;

namespace MicroHosting.Security.Internal;

/// <summary>
/// Puts the <see cref="IMicroCredentialProvider"/>'s credential on an attempt: unary calls through
/// <see cref="MicroCredentialHandler"/>, streams on their upgrade request. A call that sets <c>Authorization</c> itself
/// (<c>MicroCallOptions.Metadata</c>) keeps its own.
/// </summary>
internal sealed class MicroCredentials(IMicroCredentialProvider? provider = null)
{
    public const string AuthorizationHeader = "Authorization";

    /// <summary>Gets whether there is a credential to ask for: a provider other than the default with nothing configured.</summary>
    public bool Enabled { get; } = provider is not null and not ConfiguredTokenProvider { IsEmpty: true };

    public ValueTask<string?> GetAsync(string service, string? endpoint, string address, bool secure, CancellationToken cancellationToken)
        => provider is null ? ValueTask.FromResult<string?>(null) : provider.GetAuthorizationAsync(new MicroCredentialContext(service, endpoint, address, secure), cancellationToken);

    /// <summary>Adds the credential to a stream's upgrade request, unless the call's own metadata (<paramref name="headers"/>) carries one.</summary>
    public async ValueTask ApplyAsync(MicroCallState state, NodeCandidate node, ClientWebSocketOptions options, HttpRequestMessage headers, CancellationToken cancellationToken)
    {
        if (!Enabled || headers.Headers.Contains(AuthorizationHeader))
        {
            return;
        }

        var value = await GetAsync(state.Service, state.Endpoint, node.Node.HostPort, node.BaseUri.Scheme == Uri.UriSchemeHttps, cancellationToken).ConfigureAwait(false);
        if (value is not null)
        {
            options.SetRequestHeader(AuthorizationHeader, value);
        }
    }
}
