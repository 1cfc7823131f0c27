using MicroHosting.Codecs;
using MicroHosting.Internal;
using Microsoft.AspNetCore.Http;

namespace MicroHosting.Server.Internal;

/// <summary>
/// gRPC over HTTP/2 for MicroHosting handlers: which requests are gRPC calls, the endpoint they name, and replies in
/// gRPC's shape (framed message, <c>grpc-status</c> trailer; errors trailers-only with Go Micro's error JSON in
/// <c>grpc-message</c>, as Go Micro v2's gRPC server sends them).
/// </summary>
internal static class GrpcServerWire
{
    public const string StatusHeader = "grpc-status";
    public const string MessageHeader = "grpc-message";
    private const string MediaTypePrefix = "application/grpc";

    /// <summary>
    /// Gets whether a request is a gRPC call: <c>POST</c> over HTTP/2 (or later) with <c>application/grpc</c>,
    /// <c>application/grpc+proto</c> or <c>application/grpc+json</c>. Over HTTP/1.1 those content types keep their Go
    /// Micro meaning (one framed message in an ordinary request), since HTTP/1.1 has no trailers for the status.
    /// </summary>
    public static bool IsGrpc(HttpRequest request)
    {
        var contentType = request.ContentType;
        if (contentType is null || !contentType.StartsWith(MediaTypePrefix, StringComparison.OrdinalIgnoreCase)
            || (contentType.Length > MediaTypePrefix.Length && contentType[MediaTypePrefix.Length] is not ('+' or ';')))
        {
            return false;
        }

        return HttpMethods.IsPost(request.Method) && (HttpProtocol.IsHttp2(request.Protocol) || HttpProtocol.IsHttp3(request.Protocol));
    }

    /// <summary>
    /// Reads the endpoint from a gRPC path: <c>/&lt;anything&gt;.&lt;Type&gt;/&lt;Method&gt;</c> or <c>/&lt;Type&gt;/&lt;Method&gt;</c>
    /// becomes <c>Type.Method</c>. Go Micro's gRPC client puts the service name before the type
    /// (<c>/greeter.Greeter/Hello</c>) and a <c>.proto</c> client its package (<c>/greeter.v1.Greeter/Hello</c>); like Go
    /// Micro's gRPC server, only the part after the last dot names the handler.
    /// </summary>
    public static bool TryGetEndpoint(string? path, out string endpoint)
    {
        endpoint = string.Empty;
        if (!MicroEndpointName.IsPathShape(path))
        {
            return false;
        }

        var slash = path!.IndexOf('/', 1);
        var type = path.AsSpan(1, slash - 1);
        type = type[(type.LastIndexOf('.') + 1)..];
        var name = string.Concat(type, ".", path.AsSpan(slash + 1));
        if (type.IsEmpty || !MicroEndpointName.IsValid(name))
        {
            return false;
        }

        endpoint = name;
        return true;
    }

    /// <summary>
    /// Answers a call whose <c>grpc-encoding</c> MicroHosting cannot read: <c>UNIMPLEMENTED</c> (12), trailers-only, with
    /// <c>grpc-accept-encoding</c> listing what it reads (gRPC's compression spec). Returns <see langword="false"/> (nothing
    /// written) for no encoding, <c>identity</c> or <c>gzip</c>.
    /// </summary>
    public static bool TryRejectEncoding(HttpContext context, string serviceName, out Task written)
    {
        var encoding = context.Request.Headers[GrpcFraming.EncodingHeader];
        if (encoding.Count <= 1 && GrpcFraming.IsSupported(encoding.ToString()))
        {
            written = Task.CompletedTask;
            return false;
        }

        context.Response.Headers[GrpcFraming.AcceptEncodingHeader] = GrpcFraming.SupportedEncodings;
        var error = new MicroException(
            serviceName, StatusCodes.Status501NotImplemented, $"grpc-encoding '{encoding}' is not supported; send one of {GrpcFraming.SupportedEncodings}");
        written = WriteErrorAsync(context, error, GrpcStatusMap.Unimplemented);
        return true;
    }

    /// <summary>
    /// The error of a request message that cannot be read: a message over the limit (before or after decompression) is
    /// 413, sent as <c>RESOURCE_EXHAUSTED</c> (8); a malformed frame or one that does not inflate is 400.
    /// </summary>
    public static MicroException ToError(string serviceName, GrpcFrameException ex)
        => new(
            serviceName,
            ex.MicroCode,
            ex.Status == GrpcStatusMap.ResourceExhausted ? ex.Message + " (MicroOptions.MaxRequestBodySize)" : ex.Message,
            innerException: ex);

    /// <summary>Writes one framed message and the <c>grpc-status: 0</c> trailer.</summary>
    public static async Task WriteResponseAsync<T>(HttpContext context, MicroCodec codec, T value)
    {
        using var body = new PooledBufferWriter();
        codec.Encode(body, value);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ReplyContentType(context.Request, codec);
        await response.Body.WriteAsync(body.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
        response.AppendTrailer(StatusHeader, "0");
    }

    /// <summary>
    /// Writes an error: trailers-only (HTTP 200 with <c>grpc-status</c> and <c>grpc-message</c> in the one header block)
    /// before the reply started, else as trailers after it. <paramref name="status"/> overrides the status mapped from
    /// the error code (an unknown method is <c>Unimplemented</c> to gRPC, while the error JSON keeps Go Micro's 404).
    /// </summary>
    public static Task WriteErrorAsync(HttpContext context, MicroException error, int? status = null)
    {
        var response = context.Response;
        var code = (status ?? GrpcStatusMap.FromMicroCode(error.Code)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var message = GrpcMessageEncoding.Encode(error.ToJson());
        if (response.HasStarted)
        {
            response.AppendTrailer(StatusHeader, code);
            response.AppendTrailer(MessageHeader, message);
            return Task.CompletedTask;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ReplyContentType(context.Request, codec: null);
        response.Headers[StatusHeader] = code;
        response.Headers[MessageHeader] = message;
        return Task.CompletedTask;
    }

    private static string ReplyContentType(HttpRequest request, MicroCodec? codec)
    {
        // Echo the caller's media type (application/grpc stays application/grpc), without parameters.
        var contentType = request.ContentType;
        if (contentType is null)
        {
            return codec?.ContentType ?? MediaTypePrefix;
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        return semicolon < 0 ? contentType : contentType[..semicolon].Trim();
    }
}
