using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using MicroHosting.Codecs;
using MicroHosting.Codecs.Internal;
using MicroHosting.Internal;
using MicroHosting.Registry;
using Polly;
using Polly.Timeout;

namespace MicroHosting.Client.Internal;

/// <summary>
/// One typed call through the handlers of a MicroHosting <see cref="HttpClient"/> (or the client itself, for a typed
/// client): builds the request, sends it through the pipeline
/// (setup with the call's budget, Polly retries, resolution), and turns the reply into the response message or a <see cref="MicroException"/>.
/// Shared by <see cref="MicroClient"/> and <see cref="MicroServiceClient"/>.
/// </summary>
internal sealed partial class MicroCaller(MicroClientRuntime runtime)
{
    private const int MaxDetailLength = 200;
    private readonly ConcurrentDictionary<(string Service, string Endpoint), Uri> _logicalUris = new();

    /// <summary>Sends one call and returns the reply with the node that served it.</summary>
    public async Task<MicroResponse<TResponse>> SendAsync<TRequest, TResponse>(
        HttpMessageInvoker http,
        MicroClientProfile? profile,
        string service,
        string endpoint,
        TRequest request,
        MicroCallOptions? options,
        CancellationToken cancellationToken)
    {
        var state = CreateState<TRequest, TResponse>(profile, service, endpoint, request, options);
        if (HedgeDelay(state) is { } hedge)
        {
            var (hedged, winner) = await HedgedAsync<TRequest, TResponse>(http, state, request, hedge, cancellationToken).ConfigureAwait(false);
            return new MicroResponse<TResponse>(hedged, winner.Node!.Node, winner.Attempts);
        }

        var value = await InvokeAsync<TResponse>(http, state, cancellationToken).ConfigureAwait(false);
        return new MicroResponse<TResponse>(value, state.Node!.Node, state.Attempts);
    }

    /// <summary>Sends one call and returns the reply alone: one async state machine per call, no <see cref="MicroResponse{TResponse}"/>.</summary>
    public Task<TResponse> CallAsync<TRequest, TResponse>(
        HttpMessageInvoker http,
        MicroClientProfile? profile,
        string service,
        string endpoint,
        TRequest request,
        MicroCallOptions? options,
        CancellationToken cancellationToken)
    {
        MicroCallState state;
        try
        {
            state = CreateState<TRequest, TResponse>(profile, service, endpoint, request, options);
        }
        catch (Exception ex)
        {
            // As from an async method: a bad argument or setting faults the task rather than throwing from the call.
            return Task.FromException<TResponse>(ex);
        }

        return HedgeDelay(state) is { } hedge
            ? HedgedValueAsync<TRequest, TResponse>(http, state, request, hedge, cancellationToken)
            : InvokeAsync<TResponse>(http, state, cancellationToken);
    }

    /// <summary>The call's plan (<see cref="MicroCallPlan.Create"/>, as for a stream) and the state that carries it with the typed body.</summary>
    private MicroCallState CreateState<TRequest, TResponse>(MicroClientProfile? profile, string service, string endpoint, TRequest request, MicroCallOptions? options)
    {
        ValidateCall(service, endpoint);
        var plan = MicroCallPlan.Create(
            runtime, service, endpoint, options, profile, stream: false, ProtobufTypeInfo<TRequest>.IsMessage && ProtobufTypeInfo<TResponse>.IsMessage);
        return new MicroCallState(plan) { Body = new MicroRequestBody<TRequest>(request) };
    }

    private async Task<TResponse> InvokeAsync<TResponse>(HttpMessageInvoker http, MicroCallState state, CancellationToken cancellationToken)
    {
        using var message = new MicroCallRequest(state, LogicalUri(state.Service, state.Endpoint!));

        // A call inside a handler ends when that handler's caller goes away.
        CancellationTokenSource? linked = null;
        if (MicroContext.Current is { } context && context.CancellationToken.CanBeCanceled && context.CancellationToken != cancellationToken)
        {
            linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, context.CancellationToken);
        }

        var token = linked?.Token ?? cancellationToken;
        HttpResponseMessage response;
        try
        {
            if (http is MicroCallInvoker { DirectSetup: { } setup })
            {
                // What the setup handler's SendAsync does, in this method's own async step (MicroCallInvoker).
                var call = setup.Begin(state, message, token);
                Outcome<object> outcome;
                try
                {
                    outcome = await setup.ExecuteAsync(message, call.Context).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    outcome = Outcome.FromException<object>(ex);
                }

                response = setup.Complete(state, call, outcome);
            }
            else
            {
                response = await http.SendAsync(message, token).ConfigureAwait(false);
            }
        }
        catch (TimeoutRejectedException ex)
        {
            throw TimedOut(state, ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && state.Plan.BudgetFromCaller)
        {
            throw TimedOut(state, ex);
        }
        catch (HttpRequestException ex) when (state.AttemptTimedOut)
        {
            throw AttemptTimedOut(state, ex);
        }
        catch (HttpRequestException ex)
        {
            throw NodesFailed(state, ex);
        }
        finally
        {
            linked?.Dispose();
        }

        using (response)
        {
            return Read<TResponse>(state, response);
        }
    }

    /// <summary>Checks a call's service and endpoint names (also for streams).</summary>
    public static void ValidateCall(string service, string endpoint)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        if (!MicroEndpointName.IsValid(endpoint))
        {
            throw new ArgumentException($"Endpoint '{endpoint}' is not of the form Type.Method (for example Greeter.Hello).", nameof(endpoint));
        }
    }

    private static MicroException TimedOut(MicroCallState state, Exception inner)
    {
        var budget = state.Plan.Budget.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        var why = state.Plan.BudgetFromCaller
            ? "what was left of the calling handler's deadline"
            : "MicroClientOptions.RequestTimeout / MicroCallOptions.Timeout";
        return new MicroException(
            MicroClientErrors.Id,
            408,
            $"call to {state.Service} {state.Endpoint} timed out after {budget}s ({why}); {state.Attempts} attempt(s)",
            innerException: inner);
    }

    private static MicroException AttemptTimedOut(MicroCallState state, HttpRequestException inner)
    {
        var failures = FailureList(state, inner);
        var why = state.IsIdempotent ? "no retry left" : "not retried: the endpoint is not idempotent, and the handler may have run";
        return new MicroException(
            MicroClientErrors.Id,
            408,
            $"call to {state.Service} {state.Endpoint} timed out ({why}); {state.Attempts} attempt(s): {failures}",
            innerException: inner);
    }

    private static MicroNodesFailedException NodesFailed(MicroCallState state, HttpRequestException inner)
    {
        var failures = FailureList(state, inner);
        return new MicroNodesFailedException(
            state.Service,
            $"call to {state.Service} {state.Endpoint} failed on every node tried ({state.Attempts} attempt(s)): {failures}",
            state.LastError ?? inner);
    }

    /// <summary>What went wrong on each attempt, one entry per failed attempt; the transport error when none was recorded.</summary>
    private static string FailureList(MicroCallState state, HttpRequestException inner)
        => state.Failures is { Count: > 0 } list ? string.Join("; ", list) : inner.Message;

    internal static string Shorten(string text) => text.Length <= MaxDetailLength ? text : string.Concat(text.AsSpan(0, MaxDetailLength), "...");

    private Uri LogicalUri(string service, string endpoint)
        => _logicalUris.GetOrAdd((service, endpoint), static key =>
            Uri.TryCreate($"http://{key.Service}{NodeCandidate.EndpointPath(key.Endpoint)}", UriKind.Absolute, out var uri)
                ? uri
                : new Uri($"http://micro.invalid{NodeCandidate.EndpointPath(key.Endpoint)}"));

    private TResponse Read<TResponse>(MicroCallState state, HttpResponseMessage response)
    {
        var node = state.Node!.Node;
        var content = response.Content;
        var status = (int)response.StatusCode;
        using var body = ReadBody(content);
        if (status is < 200 or > 299)
        {
            var text = System.Text.Encoding.UTF8.GetString(body.WrittenSpan);
            var error = MicroException.Parse(text);
            if (error.Code == 0 && !response.Headers.Contains(MicroHeaders.Error))
            {
                // Not error JSON (a proxy's page, another kind of server): report the status and what came back.
                error = new MicroException(
                    MicroClientErrors.Id,
                    status,
                    $"{state.Service} {state.Endpoint}: node {node.Id} at {node.HostPort} answered {status} {ReasonPhrase(response)} without error JSON: {Shorten(text)}",
                    innerException: null);
            }

            if (response.Headers.NonValidated.TryGetValues(GrpcWire.DetailsHeader, out var details))
            {
                error.Data[GrpcWire.DetailsHeader] = details.ToString(); // kept raw by the gRPC wire (GrpcWire.ErrorOf)
            }

            throw error;
        }

        // The raw header: parsing it into a MediaTypeHeaderValue costs allocations the codec lookup does not need.
        var contentType = content.Headers.NonValidated.TryGetValues("Content-Type", out var values) ? values.ToString() : null;
        MicroCodec? codec;
        if (string.IsNullOrEmpty(contentType))
        {
            // Go Micro sends no Content-Type with an empty body; otherwise assume the request's codec.
            codec = state.RequestCodec ?? runtime.Json;
        }
        else if (!runtime.Codecs.TryGetCodec(contentType, out codec))
        {
            var mediaType = contentType.Split(';', 2)[0].Trim();
            throw BadReply(state, $"replied with Content-Type '{mediaType}', which no codec reads ({Shorten(System.Text.Encoding.UTF8.GetString(body.WrittenSpan))})");
        }

        if (!codec.CanHandle(typeof(TResponse)))
        {
            throw BadReply(state, $"replied with {codec.ContentType}, which cannot carry {typeof(TResponse).Name}");
        }

        try
        {
            if (codec is GrpcFramedMicroCodec framed && body.WrittenCount > 0 && body.WrittenSpan[0] != 0 && state.Wire is GrpcWire)
            {
                // A gRPC server that compresses whatever the caller accepts (grpc-go with a compressor set, say).
                return GrpcWire.DecodeCompressed<TResponse>(framed, body.WrittenMemory, response, runtime.Options.MaxStreamMessageSize);
            }

            return codec.Decode<TResponse>(new ReadOnlySequence<byte>(body.WrittenMemory));
        }
        catch (MicroCodecException ex)
        {
            throw BadReply(state, $"replied with a body that is not valid {codec.ContentType} for {typeof(TResponse).Name}: {ex.Message}", ex);
        }
        catch (GrpcFrameException ex)
        {
            var limit = ex.Status == GrpcStatusMap.ResourceExhausted ? " (Micro:Client:MaxStreamMessageSize)" : string.Empty;
            throw BadReply(state, $"replied with a gRPC message the client cannot read: {ex.Message}{limit}", ex);
        }
    }

    /// <summary>
    /// Copies the reply's body into a pooled buffer. The resolution handler has buffered it already (inside the attempt,
    /// so a reply cut off halfway is retried), so the stream is memory and reading it does no I/O; this
    /// avoids ReadAsByteArrayAsync's copy into a new array and its task.
    /// </summary>
    private static PooledBufferWriter ReadBody(HttpContent content)
    {
        var stream = content.ReadAsStream();
        if (stream.CanSeek)
        {
            var length = checked((int)(stream.Length - stream.Position));
            var exact = new PooledBufferWriter(length);
            try
            {
                stream.ReadExactly(exact.GetSpan(length)[..length]);
                exact.Advance(length);
                return exact;
            }
            catch
            {
                exact.Dispose();
                throw;
            }
        }

        var buffer = new PooledBufferWriter(4096);
        try
        {
            int read;
            while ((read = stream.Read(buffer.GetSpan(4096))) > 0)
            {
                buffer.Advance(read);
            }

            return buffer;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    private static string ReasonPhrase(HttpResponseMessage response)
        => response.ReasonPhrase ?? Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase((int)response.StatusCode);

    private static MicroException BadReply(MicroCallState state, string what, Exception? inner = null)
    {
        var node = state.Node!.Node;
        return new MicroException(MicroClientErrors.Id, (int)HttpStatusCode.InternalServerError, $"{state.Service} {state.Endpoint}: node {node.Id} at {node.HostPort} {what}", innerException: inner);
    }
}
