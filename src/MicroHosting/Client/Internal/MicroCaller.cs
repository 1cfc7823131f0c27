using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using MicroHosting.Codecs;
using MicroHosting.Codecs.Internal;
using MicroHosting.Internal;
using MicroHosting.Registry;
using Polly.Timeout;

namespace MicroHosting.Client.Internal;

/// <summary>
/// One typed call through a MicroHosting <see cref="HttpClient"/>: builds the request, sends it through the pipeline
/// (setup, Polly timeout and retries, resolution), and turns the reply into the response message or a <see cref="MicroException"/>.
/// Shared by <see cref="MicroClient"/> and <see cref="MicroServiceClient"/>.
/// </summary>
internal sealed class MicroCaller(MicroClientRuntime runtime)
{
    private const int MaxDetailLength = 200;
    private readonly ConcurrentDictionary<(string Service, string Endpoint), Uri> _logicalUris = new();

    public async Task<MicroResponse<TResponse>> SendAsync<TRequest, TResponse>(
        HttpClient http,
        string service,
        string endpoint,
        TRequest request,
        MicroCallOptions? options,
        CancellationToken cancellationToken)
    {
        ValidateCall(service, endpoint);
        var state = new MicroCallState(
            service,
            endpoint,
            new MicroRequestBody<TRequest>(request),
            ProtobufTypeInfo<TRequest>.IsMessage && ProtobufTypeInfo<TResponse>.IsMessage,
            options);
        using var message = new HttpRequestMessage(HttpMethod.Post, LogicalUri(service, endpoint));
        message.Options.Set(MicroCallState.Key, state);

        // A call inside a handler ends when that handler's caller goes away.
        CancellationTokenSource? linked = null;
        if (MicroContext.Current is { } context && context.CancellationToken.CanBeCanceled && context.CancellationToken != cancellationToken)
        {
            linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, context.CancellationToken);
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(message, HttpCompletionOption.ResponseContentRead, linked?.Token ?? cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex)
        {
            throw TimedOut(state, ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && state.BudgetFromCaller)
        {
            throw TimedOut(state, ex);
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
            var value = await ReadAsync<TResponse>(state, response, cancellationToken).ConfigureAwait(false);
            return new MicroResponse<TResponse>(value, state.Node!.Node, state.Attempts);
        }
    }

    /// <summary>Checks a call's service and endpoint names (also for streams).</summary>
    public static void ValidateCall(string service, string endpoint)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        var dot = endpoint.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == endpoint.Length - 1 || endpoint.IndexOf('.', dot + 1) >= 0 || endpoint.AsSpan().IndexOfAny("/ ?#") >= 0)
        {
            throw new ArgumentException($"Endpoint '{endpoint}' is not of the form Type.Method (for example Greeter.Hello).", nameof(endpoint));
        }
    }

    private static MicroException TimedOut(MicroCallState state, Exception inner)
    {
        var budget = state.Budget.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        var why = state.BudgetFromCaller
            ? "what was left of the calling handler's deadline"
            : "MicroClientOptions.RequestTimeout / MicroCallOptions.Timeout";
        return new MicroException(
            MicroClientErrors.Id,
            408,
            $"call to {state.Service} {state.Endpoint} timed out after {budget}s ({why}); {state.Attempts} attempt(s)",
            innerException: inner);
    }

    private static MicroNodesFailedException NodesFailed(MicroCallState state, HttpRequestException inner)
    {
        var failures = state.Failures is { Count: > 0 } list ? string.Join("; ", list) : inner.Message;
        return new MicroNodesFailedException(
            state.Service,
            $"call to {state.Service} {state.Endpoint} failed on every node tried ({state.Attempts} attempt(s)): {failures}",
            state.LastError ?? inner);
    }

    internal static string Shorten(string text) => text.Length <= MaxDetailLength ? text : string.Concat(text.AsSpan(0, MaxDetailLength), "...");

    private Uri LogicalUri(string service, string endpoint)
        => _logicalUris.GetOrAdd((service, endpoint), static key =>
            Uri.TryCreate($"http://{key.Service}{NodeCandidate.EndpointPath(key.Endpoint)}", UriKind.Absolute, out var uri)
                ? uri
                : new Uri($"http://micro.invalid{NodeCandidate.EndpointPath(key.Endpoint)}"));

    private async ValueTask<TResponse> ReadAsync<TResponse>(MicroCallState state, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var node = state.Node!.Node;
        var content = response.Content;
        var status = (int)response.StatusCode;
        if (status is < 200 or > 299)
        {
            var text = await content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
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

            throw error;
        }

        var contentType = content.Headers.ContentType?.MediaType;
        var bytes = await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        MicroCodec? codec;
        if (contentType is null)
        {
            // Go Micro sends no Content-Type with an empty body; otherwise assume the request's codec.
            codec = state.RequestCodec ?? runtime.Json;
        }
        else if (!runtime.Codecs.TryGetCodec(contentType, out codec))
        {
            throw BadReply(state, $"replied with Content-Type '{contentType}', which no codec reads ({Shorten(System.Text.Encoding.UTF8.GetString(bytes))})");
        }

        if (!codec.CanHandle(typeof(TResponse)))
        {
            throw BadReply(state, $"replied with {codec.ContentType}, which cannot carry {typeof(TResponse).Name}");
        }

        try
        {
            return codec.Decode<TResponse>(new ReadOnlySequence<byte>(bytes));
        }
        catch (MicroCodecException ex)
        {
            throw BadReply(state, $"replied with a body that is not valid {codec.ContentType} for {typeof(TResponse).Name}: {ex.Message}", ex);
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
