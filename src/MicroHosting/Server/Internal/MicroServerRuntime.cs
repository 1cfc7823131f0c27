using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.IO.Pipelines;
using MicroHosting.Codecs;
using MicroHosting.Diagnostics;
using MicroHosting.Hosting;
using MicroHosting.Internal;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace MicroHosting.Server.Internal;

/// <summary>What every handler shares at request time: codecs, limits, the clock, and how replies and errors are written.</summary>
internal sealed partial class MicroServerRuntime
{
    /// <summary>The longest caller budget honoured from a <c>Timeout</c> header; longer ones are clamped to it.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(1);

    private readonly ILogger _logger;
    private readonly IHostApplicationLifetime? _lifetime;
    private int _functionServed;

    public MicroServerRuntime(
        MicroCodecRegistry codecs,
        IOptions<MicroOptions> options,
        TimeProvider timeProvider,
        ILogger<MicroServerRuntime> logger,
        MicroMetrics metrics,
        IHostApplicationLifetime? lifetime = null)
    {
        Codecs = codecs;
        var value = options.Value;
        ServiceName = value.Name ?? "micro";
        MaxRequestBodySize = value.MaxRequestBodySize;
        Function = value.Function;
        TimeProvider = timeProvider;
        Metrics = metrics;
        _logger = logger;
        _lifetime = lifetime;
    }

    public MicroCodecRegistry Codecs { get; }

    public string ServiceName { get; }

    public long MaxRequestBodySize { get; }

    public bool Function { get; }

    public TimeProvider TimeProvider { get; }

    public MicroMetrics Metrics { get; }

    /// <summary>Gets a token cancelled when the host begins stopping; open streams end on it.</summary>
    public CancellationToken Stopping => _lifetime?.ApplicationStopping ?? CancellationToken.None;

    public MicroCodec? GetRequestCodec(HttpRequest request, bool goMicro)
    {
        // WebSocket clients (browsers, ClientWebSocket) cannot send Content-Type on the upgrade, so streams also take it from the query.
        var contentType = request.ContentType ?? (request.Query.TryGetValue("content-type", out var query) ? query.ToString() : null);
        if (string.IsNullOrEmpty(contentType))
        {
            // Go Micro's transport treats a missing content type as protobuf; a native caller most likely sent JSON.
            contentType = goMicro ? MicroContentTypes.Protobuf : MicroContentTypes.Json;
        }

        return Codecs.TryGetCodec(contentType, out var codec) ? codec : null;
    }

    public MicroCodec GetResponseCodec(HttpRequest request, MicroCodec requestCodec, Type responseType)
    {
        if (request.HttpContext.Features.Get<GrpcRequestFeature>() is not null)
        {
            return requestCodec; // gRPC replies in the request's framing; Accept has no say
        }

        var accept = request.Headers.Accept;
        if (accept.Count > 0)
        {
            foreach (var value in accept)
            {
                foreach (var segment in new StringTokenizer(value ?? string.Empty, [',']))
                {
                    var mediaType = segment.Trim();
                    if (mediaType.Length > 0 && Codecs.TryGetCodec(mediaType.ToString(), out var codec) && codec.CanHandle(responseType))
                    {
                        return codec;
                    }
                }
            }
        }

        if (requestCodec.CanHandle(responseType))
        {
            return requestCodec;
        }

        return Codecs.TryGetCodec(MicroContentTypes.Json, out var json) ? json : requestCodec;
    }

    /// <summary>
    /// Reads the caller's budget from the <c>Timeout</c> header (Go Micro's remaining time in integer nanoseconds) and
    /// from gRPC's <c>grpc-timeout</c>; with both, the shorter wins. A budget longer than <see cref="MaxTimeout"/> is
    /// clamped to it. Returns <see langword="false"/> with the error to answer when a header is malformed (400) or the
    /// budget is already spent (0 ns, or less than one tick: 408), so neither reaches the handler nor turns into a 500.
    /// </summary>
    public bool TryGetDeadline(HttpRequest request, out DateTimeOffset? deadline, [NotNullWhen(false)] out MicroException? error)
    {
        deadline = null;
        error = null;
        TimeSpan? budget = null;
        var timeout = request.Headers[MicroHeaders.Timeout];
        if (timeout.Count > 0)
        {
            if (timeout.Count > 1 || !ulong.TryParse(timeout.ToString(), NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var nanoseconds))
            {
                error = new MicroException(
                    ServiceName,
                    StatusCodes.Status400BadRequest,
                    $"The Timeout header '{Shorten(timeout.ToString())}' is not the caller's budget in whole nanoseconds (for example 5000000000 for 5 s).");
                return false;
            }

            budget = nanoseconds / 100 >= (ulong)MaxTimeout.Ticks ? MaxTimeout : TimeSpan.FromTicks((long)(nanoseconds / 100));
        }

        var grpcTimeout = request.Headers[GrpcTimeout.Header];
        if (grpcTimeout.Count > 0)
        {
            if (grpcTimeout.Count > 1 || !GrpcTimeout.TryParse(grpcTimeout.ToString(), out var grpcBudget))
            {
                error = new MicroException(
                    ServiceName,
                    StatusCodes.Status400BadRequest,
                    $"The grpc-timeout header '{Shorten(grpcTimeout.ToString())}' is not up to 8 digits and a unit (H, M, S, m, u, n; for example 5S or 250m).");
                return false;
            }

            budget = budget is { } other && other < grpcBudget ? other : grpcBudget;
        }

        if (budget is not { } value)
        {
            return true;
        }

        if (value > MaxTimeout)
        {
            value = MaxTimeout;
        }

        if (value <= TimeSpan.Zero)
        {
            error = MicroException.Timeout(ServiceName, "the caller's deadline (Timeout header) had passed before the request arrived");
            return false;
        }

        deadline = TimeProvider.GetUtcNow() + value;
        return true;
    }

    private static string Shorten(string shown) => shown.Length > 40 ? shown[..40] + "..." : shown;

    public async ValueTask<T> ReadAsync<T>(HttpContext context, MicroCodec codec, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var limit = MaxRequestBodySize;
        if (request.ContentLength > limit)
        {
            throw TooLarge(request.ContentLength.Value);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = limit;
        }

        PipeReader reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (buffer.Length > limit)
            {
                reader.AdvanceTo(buffer.End);
                throw TooLarge(buffer.Length);
            }

            if (result.IsCompleted)
            {
                try
                {
                    return codec.Decode<T>(buffer);
                }
                catch (MicroCodecException ex)
                {
                    throw new MicroException(ServiceName, StatusCodes.Status400BadRequest, ex.Message, innerException: ex);
                }
                finally
                {
                    reader.AdvanceTo(buffer.End);
                }
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    public async Task WriteResponseAsync<T>(HttpContext context, MicroCodec codec, T value, bool goMicro)
    {
        if (context.Features.Get<GrpcRequestFeature>() is not null)
        {
            await GrpcServerWire.WriteResponseAsync(context, codec, value).ConfigureAwait(false);
            return;
        }

        using var body = new PooledBufferWriter();
        codec.Encode(body, value);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = codec.ContentType;
        response.ContentLength = body.WrittenCount;
        if (goMicro)
        {
            EchoId(context);
        }

        await response.Body.WriteAsync(body.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    public Task WriteErrorAsync(HttpContext context, MicroException error, bool goMicro)
    {
        if (context.Features.Get<GrpcRequestFeature>() is not null)
        {
            return GrpcServerWire.WriteErrorAsync(context, error);
        }

        var response = context.Response;
        if (response.HasStarted)
        {
            // Part of the reply is already on the wire; the only honest signal left is to abort it.
            context.Abort();
            return Task.CompletedTask;
        }

        var json = error.ToJson();
        if (goMicro)
        {
            // Go Micro replies 200 and carries the error in headers.
            response.StatusCode = StatusCodes.Status200OK;
            response.Headers[MicroHeaders.Error] = json;
            response.Headers[MicroHeaders.XError] = json;
            EchoId(context);
            if (LegacyErrorBody(context.Request.ContentType, json) is { } legacy)
            {
                // A legacy envelope codec's client reads the body before the headers: an empty one would read as EOF.
                response.ContentType = context.Request.ContentType;
                response.ContentLength = legacy.Length;
                return response.Body.WriteAsync(legacy, context.RequestAborted).AsTask();
            }

            response.ContentLength = 0;
            return Task.CompletedTask;
        }

        response.StatusCode = error.Code is >= 400 and <= 599 ? error.Code : StatusCodes.Status500InternalServerError;
        response.ContentType = MicroContentTypes.Json;
        var bytes = System.Text.Encoding.UTF8.GetBytes(json);
        response.ContentLength = bytes.Length;
        return response.Body.WriteAsync(bytes, context.RequestAborted).AsTask();
    }

    private static byte[]? LegacyErrorBody(string? contentType, string json)
    {
        var mediaType = contentType?.Split(';', 2)[0].Trim();
        return mediaType switch
        {
            _ when string.Equals(mediaType, JsonRpcMicroCodec.MediaType, StringComparison.OrdinalIgnoreCase) => JsonRpcMicroCodec.ErrorBody(json),
            _ when string.Equals(mediaType, ProtoRpcMicroCodec.MediaType, StringComparison.OrdinalIgnoreCase) => ProtoRpcMicroCodec.ErrorBody(json),
            _ => null,
        };
    }

    /// <summary>
    /// Turns whatever a handler threw into the error the caller sees; internals never reach the wire.
    /// Returns <see langword="null"/> when the caller is gone and there is no one to tell.
    /// </summary>
    public MicroException? ToError(HttpContext context, Exception exception, string endpoint, bool deadlinePassed) => exception switch
    {
        MicroException micro => micro,
        OperationCanceledException when deadlinePassed => MicroException.Timeout(ServiceName, $"{endpoint} did not finish before the caller's deadline"),
        OperationCanceledException when context.RequestAborted.IsCancellationRequested => null,
        BadHttpRequestException bad => new MicroException(ServiceName, bad.StatusCode, bad.Message),
        _ => InternalError(endpoint, exception),
    };

    /// <summary>Logs an unexpected handler failure and returns the 500 error the caller sees, without internals.</summary>
    public MicroException InternalError(string endpoint, Exception exception)
    {
        LogHandlerFailed(endpoint, exception);
        return MicroException.InternalServerError(ServiceName, $"{endpoint} failed: internal server error");
    }

    /// <summary>In function mode, the first served request ends the process gracefully (deregister, drain, stop).</summary>
    public void OnServed(HttpContext context)
    {
        if (Function && _lifetime is not null && Interlocked.Exchange(ref _functionServed, 1) == 0)
        {
            context.Response.OnCompleted(
                static state =>
                {
                    ((IHostApplicationLifetime)state).StopApplication();
                    return Task.CompletedTask;
                },
                _lifetime);
        }
    }

    private static void EchoId(HttpContext context)
    {
        var id = context.Request.Headers[MicroHeaders.Id];
        if (id.Count == 0)
        {
            id = context.Request.Headers[MicroHeaders.XId];
        }

        if (id.Count > 0)
        {
            context.Response.Headers[MicroHeaders.Id] = id;
            context.Response.Headers[MicroHeaders.XId] = id;
        }
    }

    private MicroException TooLarge(long size) => new(
        ServiceName,
        StatusCodes.Status413PayloadTooLarge,
        $"request body of {size} bytes exceeds the limit of {MaxRequestBodySize} bytes (MicroOptions.MaxRequestBodySize)");

    [LoggerMessage(EventId = MicroEventIds.HandlerFailed, EventName = "HandlerFailed", Level = LogLevel.Error, Message = "Handler {Endpoint} failed; the caller got a 500 error without details.")]
    private partial void LogHandlerFailed(string endpoint, Exception exception);
}
