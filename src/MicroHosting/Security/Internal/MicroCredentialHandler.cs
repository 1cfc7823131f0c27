namespace MicroHosting.Security.Internal;

/// <summary>
/// Runs once per attempt, after the node is chosen: sets <c>Authorization</c> from the credential provider. A header the
/// call set itself (its metadata) is left alone; the one this handler set on an earlier attempt is replaced, so a
/// retry to another node gets a credential for that node.
/// </summary>
internal sealed class MicroCredentialHandler(MicroCredentials credentials, string? service = null) : DelegatingHandler
{
    private static readonly HttpRequestOptionsKey<bool> Set = new("MicroHosting.CredentialSet");

    // Without a credential provider (the default) the attempt passes straight through: no async state machine and no
    // HttpRequestOptions dictionary, 264 B less per attempt (unary benchmark, client B/call: 4,480 -> 4,216 small JSON).
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        => credentials.Enabled ? SendWithCredentialAsync(request, cancellationToken) : base.SendAsync(request, cancellationToken);

    private async Task<HttpResponseMessage> SendWithCredentialAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = request.Headers;
        var ours = request.Options.TryGetValue(Set, out var set) && set;
        if ((ours || !headers.Contains(MicroCredentials.AuthorizationHeader)) && request.RequestUri is { } uri)
        {
            var state = MicroHosting.Client.Internal.MicroCallState.Get(request);
            var value = await credentials.GetAsync(
                state?.Service ?? service ?? uri.Host,
                state?.Endpoint,
                state?.Node?.Node.HostPort ?? uri.Authority,
                uri.Scheme == Uri.UriSchemeHttps,
                cancellationToken).ConfigureAwait(false);
            headers.Remove(MicroCredentials.AuthorizationHeader);
            if (value is not null)
            {
                headers.TryAddWithoutValidation(MicroCredentials.AuthorizationHeader, value);
            }

            request.Options.Set(Set, true);
        }

        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
