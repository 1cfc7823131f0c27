using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using MicroHosting.Diagnostics;
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
        MicroHeaders.XId, MicroHeaders.XFromService,
    ];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var state = MicroCallState.Get(request)
            ?? throw new InvalidOperationException("A MicroHosting pipeline handler ran without its call state; add MicroHosting clients with AddMicroClient or IMicroClient only.");
        NodeCandidate node;
        try
        {
            node = await MicroNodePicker.BeginAttemptAsync(runtime, state, cancellationToken).ConfigureAwait(false);
        }
        catch (MicroNodeNotFoundException ex)
        {
            LogSelectionFailed(state.Service, state.Endpoint, ex.Detail);
            throw;
        }

        if (state.Attempts > 1)
        {
            runtime.Metrics.Retried(state.Service, state.Endpoint);
            LogRetrying(state.Service, state.Endpoint, state.Attempts, node.Node.Id, node.Node.HostPort);
        }

        using var activity = MicroTelemetry.StartAttempt(state.Service, state.Endpoint, node.Node, state.Attempts);
        PrepareAttempt(request, state, node);
        MicroTelemetry.Inject(activity, request.Headers);

        // The attempt's own timeout, when it is shorter than what is left of the call's: a hung node then costs one
        // attempt, and a retry on another node has time left (MicroAttemptTimeout).
        var attemptTimeout = MicroAttemptTimeout.For(state, runtime.TimeProvider);
        using var attemptSource = attemptTimeout is { } timeout ? new CancellationTokenSource(timeout, runtime.TimeProvider) : null;
        using var linked = attemptSource is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, attemptSource.Token);
        var token = linked?.Token ?? cancellationToken;
        state.AttemptTimedOut = false;
        state.NotSent = false;
        var health = runtime.Health;
        var nodeState = node.State;
        var started = runtime.TimeProvider.GetTimestamp();
        nodeState.Started();
        HttpResponseMessage? response = null;
        try
        {
            response = await base.SendAsync(request, token).ConfigureAwait(false);

            // Read the body here, inside the retry and the timeout: a reply cut off halfway is a failed attempt too.
            await response.Content.LoadIntoBufferAsync(token).ConfigureAwait(false);
        }
        catch (Exception ex) when (attemptSource is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested)
        {
            response?.Dispose();
            MicroTelemetry.Stop(activity, 408, ex);
            health.TimedOut(nodeState, runtime.TimeProvider.GetElapsedTime(started).Ticks);
            state.AttemptTimedOut = true;
            var error = new HttpRequestException(
                $"no reply within the attempt timeout of {attemptTimeout!.Value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s", ex);
            state.Failed(node, error);
            LogAttemptFailed(state.Service, state.Endpoint, node.Node.Id, node.Node.HostPort, state.Attempts, error.Message);
            throw error;
        }
        catch (Exception ex) when (IsTransportFailure(ex, cancellationToken))
        {
            response?.Dispose();
            MicroTelemetry.Stop(activity, 0, ex);
            health.TransportFailed(nodeState, ex);
            state.NotSent = MicroRetryPredicate.NeverSent(ex);
            state.Failed(node, ex);
            LogAttemptFailed(state.Service, state.Endpoint, node.Node.Id, node.Node.HostPort, state.Attempts, ex.Message);
            throw ex as HttpRequestException ?? new HttpRequestException(ex.Message, ex);
        }
        catch (Exception ex)
        {
            MicroTelemetry.Stop(activity, 0, ex);
            if (!state.CallerToken.IsCancellationRequested && cancellationToken.IsCancellationRequested)
            {
                // The call's budget ran out while this node kept it waiting.
                health.TimedOut(nodeState, runtime.TimeProvider.GetElapsedTime(started).Ticks);
            }

            throw;
        }
        finally
        {
            nodeState.Ended();
            if (state.Probe)
            {
                nodeState.EndProbe();
            }
        }

        if (node.Grpc)
        {
            response = GrpcClientWire.FromGrpc(response, request, node);
        }
        else if (!node.Native)
        {
            response = FromGoMicro(response, request);
        }

        var status = (int)response.StatusCode;
        MicroTelemetry.Stop(activity, status, error: null);
        if (status >= 500)
        {
            if (status == 503 && MicroRetryPredicate.RetryAfter(response, runtime.TimeProvider) is { } pause)
            {
                health.Unavailable(nodeState, pause);
            }
            else
            {
                health.ServerFailed(nodeState, status);
            }
        }
        else
        {
            health.Succeeded(nodeState, runtime.TimeProvider.GetElapsedTime(started).Ticks, state.Peers);
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

    private void PrepareAttempt(HttpRequestMessage request, MicroCallState state, NodeCandidate node)
    {
        var headers = request.Headers;
        if (node.Grpc)
        {
            PrepareGrpcAttempt(request, state, node);
            return;
        }

        if (state.Body is { } body)
        {
            var codec = runtime.CodecFor(state, node);
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
            // h2c when the node listens for it: many calls share few multiplexed connections. Exact version: a
            // failure there is a transport failure of this attempt (retried, the node ejected), not a silent downgrade.
            var http2 = node.Http2BaseUri is not null && runtime.Options.UseHttp2;
            var endpointCall = state.Body is not null || (state.Endpoint is { } e && state.PathAndQuery == NodeCandidate.EndpointPath(e));
            request.RequestUri = http2
                ? (endpointCall ? node.Http2UriFor(state.Endpoint!) : new Uri(node.Http2BaseUri!, state.PathAndQuery))
                : (endpointCall ? node.UriFor(state.Endpoint!) : new Uri(node.BaseUri, state.PathAndQuery));
            SetVersion(request, http2);
            if (!http2 && runtime.Options.UseHttp2 && node.BaseUri.Scheme == Uri.UriSchemeHttps)
            {
                // TLS: offer HTTP/2 by ALPN on the node's main port; a node that only takes HTTP/1.1 gets HTTP/1.1.
                request.Version = HttpVersion.Version20;
                request.VersionPolicy = HttpVersionPolicy.RequestVersionOrLower;
            }

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
            SetVersion(request, http2: false);
            if (!state.GoMicroHeaders)
            {
                headers.TryAddWithoutValidation(MicroHeaders.Service, state.Service);
                headers.TryAddWithoutValidation(MicroHeaders.XService, state.Service);
                headers.TryAddWithoutValidation(MicroHeaders.Endpoint, endpoint);
                headers.TryAddWithoutValidation(MicroHeaders.XEndpoint, endpoint);
                headers.TryAddWithoutValidation(MicroHeaders.Method, endpoint);
                headers.TryAddWithoutValidation(MicroHeaders.XMethod, endpoint);

                // A Go client sends every Micro-* header with an X- copy too.
                CopyAsX(headers, MicroHeaders.Id, MicroHeaders.XId);
                CopyAsX(headers, MicroHeaders.FromService, MicroHeaders.XFromService);
                state.GoMicroHeaders = true;
            }
        }

        // Go Micro's Timeout header: what is left of the budget, in nanoseconds.
        var left = Math.Max(1, state.Deadline - runtime.TimeProvider.GetUtcNow().UtcTicks);
        headers.Remove(MicroHeaders.Timeout);
        headers.TryAddWithoutValidation(MicroHeaders.Timeout, (left * 100).ToString(CultureInfo.InvariantCulture));
    }

    private void PrepareGrpcAttempt(HttpRequestMessage request, MicroCallState state, NodeCandidate node)
    {
        var left = Math.Max(1, state.Deadline - runtime.TimeProvider.GetUtcNow().UtcTicks);
        GrpcClientWire.Prepare(request, state, node, runtime.CodecFor(state, node), left);
        var headers = request.Headers;
        if (state.GoMicroHeaders)
        {
            foreach (var name in GoMicroHeaders)
            {
                headers.Remove(name);
            }

            state.GoMicroHeaders = false;
        }

        // Go Micro's gRPC client sends the budget as metadata "timeout" (nanoseconds) too; its server reads only that.
        headers.Remove(MicroHeaders.Timeout);
        headers.TryAddWithoutValidation(MicroHeaders.Timeout, (left * 100).ToString(CultureInfo.InvariantCulture));
    }

    private static void SetVersion(HttpRequestMessage request, bool http2)
    {
        if (http2)
        {
            request.Version = HttpVersion.Version20;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }
        else if (request.Version == HttpVersion.Version20)
        {
            // An earlier attempt of this call went to an HTTP/2 node; this node speaks HTTP/1.1 on its main port.
            request.Version = HttpVersion.Version11;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionOrLower;
        }
    }

    private static void CopyAsX(HttpRequestHeaders headers, string name, string xName)
    {
        if (headers.NonValidated.TryGetValues(name, out var values))
        {
            headers.Remove(xName);
            headers.TryAddWithoutValidation(xName, values.ToString());
        }
    }

    [LoggerMessage(EventId = MicroEventIds.AttemptFailed, EventName = "AttemptFailed", Level = LogLevel.Debug, Message = "Calling {Service} {Endpoint} on node {NodeId} at {Address} failed (attempt {Attempt}): {Error}")]
    private partial void LogAttemptFailed(string service, string? endpoint, string nodeId, string address, int attempt, string error);

    [LoggerMessage(EventId = MicroEventIds.Retrying, EventName = "Retrying", Level = LogLevel.Information, Message = "Retrying {Service} {Endpoint}: attempt {Attempt} on node {NodeId} at {Address}.")]
    private partial void LogRetrying(string service, string? endpoint, int attempt, string nodeId, string address);

    [LoggerMessage(EventId = MicroEventIds.SelectionFailed, EventName = "SelectionFailed", Level = LogLevel.Warning, Message = "No node to call {Service} {Endpoint} on: {Reason}")]
    private partial void LogSelectionFailed(string service, string? endpoint, string reason);
}
