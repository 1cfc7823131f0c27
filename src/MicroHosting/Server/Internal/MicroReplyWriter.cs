using MicroHosting.Codecs;
using MicroHosting.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace MicroHosting.Server.Internal;

/// <summary>
/// Writes replies and errors the way the caller reads them: natively (status code, error JSON body) or Go Micro style
/// (200 with the error in headers, the request id echoed) or gRPC (<see cref="GrpcServerWire"/>), and turns handler
/// failures into the error the caller sees.
/// </summary>
internal sealed partial class MicroReplyWriter(string serviceName, ILogger logger)
{
    /// <summary>Encodes <paramref name="value"/> as a 200 reply.</summary>
    public async Task WriteResponseAsync<T>(HttpContext context, MicroCodec codec, T value, MicroWire wire)
    {
        if (wire == MicroWire.Grpc)
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
        if (wire == MicroWire.GoMicro)
        {
            EchoId(context);
        }

        await response.Body.WriteAsync(body.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Writes <paramref name="error"/>; aborts the response when part of the reply is already sent.</summary>
    public Task WriteErrorAsync(HttpContext context, MicroException error, MicroWire wire)
    {
        if (wire == MicroWire.Grpc)
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
        if (wire == MicroWire.GoMicro)
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

    /// <summary>
    /// Turns whatever a handler threw into the error the caller sees; internals never reach the wire.
    /// Returns <see langword="null"/> when the caller is gone and there is no one to tell.
    /// </summary>
    public MicroException? ToError(HttpContext context, Exception exception, string endpoint, bool deadlinePassed) => exception switch
    {
        MicroException micro => micro,
        OperationCanceledException when deadlinePassed => MicroException.Timeout(serviceName, $"{endpoint} did not finish before the caller's deadline"),
        OperationCanceledException when context.RequestAborted.IsCancellationRequested => null,
        BadHttpRequestException bad => new MicroException(serviceName, bad.StatusCode, bad.Message),
        _ => InternalError(endpoint, exception),
    };

    /// <summary>Logs an unexpected handler failure and returns the 500 error the caller sees, without internals.</summary>
    public MicroException InternalError(string endpoint, Exception exception)
    {
        LogHandlerFailed(logger, endpoint, exception);
        return MicroException.InternalServerError(serviceName, $"{endpoint} failed: internal server error");
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
}
