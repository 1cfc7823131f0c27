namespace MicroHosting.Client.Internal;

/// <summary><see cref="IMicroClient"/> over the <c>MicroHosting</c> named HttpClient, which it holds for its lifetime.</summary>
internal sealed class MicroClient(IHttpClientFactory httpClientFactory, MicroCaller caller) : IMicroClient
{
    // Its handler is never recycled (see MicroClientServices): one client for the process, no factory lookup per call.
    private readonly HttpClient _http = httpClientFactory.CreateClient(MicroClientOptions.HttpClientName);

    public async Task<TResponse> CallAsync<TRequest, TResponse>(string service, string endpoint, TRequest request, MicroCallOptions? options = null, CancellationToken cancellationToken = default)
        => (await caller.SendAsync<TRequest, TResponse>(_http, service, endpoint, request, options, cancellationToken).ConfigureAwait(false)).Value;

    public Task<MicroResponse<TResponse>> SendAsync<TRequest, TResponse>(string service, string endpoint, TRequest request, MicroCallOptions? options = null, CancellationToken cancellationToken = default)
        => caller.SendAsync<TRequest, TResponse>(_http, service, endpoint, request, options, cancellationToken);
}
