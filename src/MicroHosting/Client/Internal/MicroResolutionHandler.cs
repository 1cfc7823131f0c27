using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using MicroHosting.Internal;
using MicroHosting.Registry;
using Microsoft.Extensions.Logging;

namespace MicroHosting.Client.Internal;

/// <summary>
/// Runs once per attempt, inside the retry strategy: picks a node of the named service from the registry cache (skipping
/// ejected nodes and, when others remain, nodes this call already tried), points the request at it in the protocol it
/// speaks, encodes the body with the codec it takes, and reports transport failures and server errors to
/// <see cref="NodeHealth"/>. Go Micro-style replies are normalised: an error in <c>Micro-Error</c> becomes a status code.
/// </summary>
internal sealed partial class MicroResolutionHandler(MicroClientRuntime runtime, ILogger<MicroResolutionHandler> logger) : DelegatingHandler
{
    private static readonly string[] GoMicroHeaders =
    [
        MicroHeaders.Service, MicroHeaders.XService, MicroHeaders.Endpoint, MicroHeaders.XEndpoint, MicroHeaders.Method, MicroHeaders.XMethod,
    ];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var state = MicroCallState.Get(request)
            ?? throw new InvalidOperationException("A MicroHosting pipeline handler ran without its call state; add MicroHosting clients with AddMicroClient or IMicroClient only.");
        var node = state.Address is { } address ? runtime.Cache.ForAddress(state.Service, address) : await PickAsync(state, cancellationToken).ConfigureAwait(false);
        state.Node = node;
        state.Attempts++;
        state.Tried(node.State);
        PrepareAttempt(request, state, node);

        HttpResponseMessage? response = null;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);

            // Read the body here, inside the retry and the timeout: a reply cut off halfway is a failed attempt too.
            await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTransportFailure(ex, cancellationToken))
        {
            response?.Dispose();
            runtime.Health.TransportFailed(node.State, ex);
            state.Failed(node, ex);
            LogAttemptFailed(state.Service, state.Endpoint, node.Node.Id, node.Node.HostPort, state.Attempts, ex.Message);
            throw ex as HttpRequestException ?? new HttpRequestException(ex.Message, ex);
        }

        if (!node.Native)
        {
            response = FromGoMicro(response, request);
        }

        var status = (int)response.StatusCode;
        if (status >= 500)
        {
            runtime.Health.ServerFailed(node.State, status);
        }
        else
        {
            runtime.Health.Succeeded(node.State);
        }

        return response;
    }

    private static bool IsTransportFailure(Exception ex, CancellationToken cancellationToken)
        => !cancellationToken.IsCancellationRequested && ex is HttpRequestException or IOException or OperationCanceledException;

    /// <summary>Turns Go Micro's "200 with Micro-Error" into the status the error names, with the error JSON as the body, as a native node replies.</summary>
    private static HttpResponseMessage FromGoMicro(HttpResponseMessage response, HttpRequestMessage request)
    {
        if (!response.Headers.TryGetValues(MicroHeaders.Error, out var values) && !response.Headers.TryGetValues(MicroHeaders.XError, out values))
        {
            return response;
        }

        var text = string.Join(",", values);
        var code = MicroException.Parse(text).Code;
        var normalised = new HttpResponseMessage(code is >= 400 and <= 599 ? (HttpStatusCode)code : HttpStatusCode.InternalServerError)
        {
            RequestMessage = request,
            Version = response.Version,
            Content = new StringContent(text, System.Text.Encoding.UTF8, MediaTypeHeaderValue.Parse("application/json")),
        };
        normalised.Headers.TryAddWithoutValidation(MicroHeaders.Error, text);
        response.Dispose();
        return normalised;
    }

    private async ValueTask<NodeCandidate> PickAsync(MicroCallState state, CancellationToken cancellationToken)
    {
        var snapshot = await runtime.Cache.GetAsync(state.Service, cancellationToken).ConfigureAwait(false);
        var all = snapshot.Nodes;
        if (all.Length == 0)
        {
            throw new MicroNodeNotFoundException(state.Service, $"service {state.Service}: not found (no node is registered in the {runtime.Cache.RegistryName} registry)");
        }

        var candidates = ArrayPool<NodeCandidate>.Shared.Rent(all.Length);
        var nodes = ArrayPool<MicroNode>.Shared.Rent(all.Length);
        try
        {
            // Prefer healthy nodes not tried yet; then healthy ones tried already; when every node is ejected, any node.
            var count = Collect(all, state, candidates, nodes, skipEjected: true, skipTried: true);
            if (count == 0)
            {
                count = Collect(all, state, candidates, nodes, skipEjected: true, skipTried: false);
            }

            if (count == 0)
            {
                count = Collect(all, state, candidates, nodes, skipEjected: false, skipTried: false);
            }

            if (count == 0)
            {
                throw new MicroNodeNotFoundException(state.Service, $"service {state.Service}: not found ({all.Length} node(s) registered, none matches the call's filter)");
            }

            var index = count == 1 ? 0 : state.Selector!.Select(state.Service, nodes.AsSpan(0, count));
            if ((uint)index >= (uint)count)
            {
                throw new InvalidOperationException($"The selector {state.Selector!.GetType().Name} returned index {index} for {count} candidate(s).");
            }

            return candidates[index];
        }
        finally
        {
            ArrayPool<NodeCandidate>.Shared.Return(candidates, clearArray: true);
            ArrayPool<MicroNode>.Shared.Return(nodes, clearArray: true);
        }
    }

    private int Collect(NodeCandidate[] all, MicroCallState state, NodeCandidate[] candidates, MicroNode[] nodes, bool skipEjected, bool skipTried)
    {
        var count = 0;
        foreach (var candidate in all)
        {
            if ((skipTried && state.HasTried(candidate.State))
                || (skipEjected && runtime.Health.IsEjected(candidate.State))
                || (state.Filter is { } filter && !filter(candidate.Service, candidate.Node)))
            {
                continue;
            }

            candidates[count] = candidate;
            nodes[count] = candidate.Node;
            count++;
        }

        return count;
    }

    private void PrepareAttempt(HttpRequestMessage request, MicroCallState state, NodeCandidate node)
    {
        var headers = request.Headers;
        if (state.Body is { } body)
        {
            var codec = state.Codec ?? (state.ProtobufTypes && node.AcceptsProtobuf ? runtime.Protobuf : runtime.Json);
            if (!ReferenceEquals(codec, state.RequestCodec))
            {
                request.Content = body.GetContent(codec);
                headers.Remove("Accept");
                headers.TryAddWithoutValidation("Accept", codec.ContentType);
                state.RequestCodec = codec;
            }
        }

        if (node.Native)
        {
            request.RequestUri = state.Body is not null || (state.Endpoint is { } e && state.PathAndQuery == NodeCandidate.EndpointPath(e))
                ? node.UriFor(state.Endpoint!)
                : new Uri(node.BaseUri, state.PathAndQuery);
            if (state.GoMicroHeaders)
            {
                foreach (var name in GoMicroHeaders)
                {
                    headers.Remove(name);
                }

                state.GoMicroHeaders = false;
            }
        }
        else
        {
            var endpoint = state.Endpoint ?? throw new MicroException(
                MicroClientErrors.Id,
                400,
                $"node {node.Node.Id} speaks Go Micro's protocol, which names the endpoint: the request path '{state.PathAndQuery}' is not /Type/Method");
            request.RequestUri = node.BaseUri;
            if (!state.GoMicroHeaders)
            {
                headers.TryAddWithoutValidation(MicroHeaders.Service, state.Service);
                headers.TryAddWithoutValidation(MicroHeaders.XService, state.Service);
                headers.TryAddWithoutValidation(MicroHeaders.Endpoint, endpoint);
                headers.TryAddWithoutValidation(MicroHeaders.XEndpoint, endpoint);
                headers.TryAddWithoutValidation(MicroHeaders.Method, endpoint);
                headers.TryAddWithoutValidation(MicroHeaders.XMethod, endpoint);
                state.GoMicroHeaders = true;
            }
        }

        // Go Micro's Timeout header: what is left of the budget, in nanoseconds.
        var left = Math.Max(1, state.Deadline - runtime.TimeProvider.GetUtcNow().UtcTicks);
        headers.Remove(MicroHeaders.Timeout);
        headers.TryAddWithoutValidation(MicroHeaders.Timeout, (left * 100).ToString(CultureInfo.InvariantCulture));
    }

    [LoggerMessage(EventId = 320, EventName = "AttemptFailed", Level = LogLevel.Debug, Message = "Calling {Service} {Endpoint} on node {NodeId} at {Address} failed (attempt {Attempt}): {Error}")]
    private partial void LogAttemptFailed(string service, string? endpoint, string nodeId, string address, int attempt, string error);
}
