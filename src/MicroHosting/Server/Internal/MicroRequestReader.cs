using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.IO.Pipelines;
using MicroHosting.Codecs;
using MicroHosting.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace MicroHosting.Server.Internal;

/// <summary>Reads what a caller sent: its budget (the <c>Timeout</c> and <c>grpc-timeout</c> headers) and its body, within the size limit.</summary>
internal sealed class MicroRequestReader(string serviceName, long maxRequestBodySize, TimeProvider timeProvider)
{
    /// <summary>The longest caller budget honoured from a <c>Timeout</c> header; longer ones are clamped to it.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(1);

    /// <summary>Gets the largest body (or stream message) accepted, in bytes (<see cref="Hosting.MicroOptions.MaxRequestBodySize"/>).</summary>
    public long MaxRequestBodySize { get; } = maxRequestBodySize;

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
                    serviceName,
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
                    serviceName,
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
            error = MicroException.Timeout(serviceName, "the caller's deadline (Timeout header) had passed before the request arrived");
            return false;
        }

        deadline = timeProvider.GetUtcNow() + value;
        return true;
    }

    /// <summary>Reads and decodes the whole body: 413 past the limit, 400 when the codec cannot read it.</summary>
    public async ValueTask<T> ReadAsync<T>(HttpContext context, MicroWire wire, MicroCodec codec, CancellationToken cancellationToken)
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
                    return codec is GrpcFramedMicroCodec framed && wire == MicroWire.Grpc
                        ? ReadGrpcMessage<T>(buffer, framed, request.Headers[GrpcFraming.EncodingHeader].ToString())
                        : codec.Decode<T>(buffer);
                }
                catch (MicroCodecException ex)
                {
                    throw new MicroException(serviceName, StatusCodes.Status400BadRequest, ex.Message, innerException: ex);
                }
                finally
                {
                    reader.AdvanceTo(buffer.End);
                }
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>A gRPC call's one message: its frame, decompressed when the call's <c>grpc-encoding</c> says so, within the same limit.</summary>
    private T ReadGrpcMessage<T>(System.Buffers.ReadOnlySequence<byte> body, GrpcFramedMicroCodec codec, string encoding)
    {
        using var scratch = new PooledBufferWriter();
        var rest = body;
        try
        {
            if (!GrpcFraming.TryRead(ref rest, MaxRequestBodySize, encoding, scratch, out var message) || !rest.IsEmpty)
            {
                throw new MicroException(
                    serviceName, StatusCodes.Status400BadRequest, $"a unary gRPC call's body is one whole frame; this one has {body.Length} bytes that are {(rest.IsEmpty ? "less" : "more")} than a frame");
            }

            return codec.DecodeMessage<T>(message);
        }
        catch (GrpcFrameException ex)
        {
            throw GrpcServerWire.ToError(serviceName, ex);
        }
    }

    private static string Shorten(string shown) => shown.Length > 40 ? shown[..40] + "..." : shown;

    private MicroException TooLarge(long size) => new(
        serviceName,
        StatusCodes.Status413PayloadTooLarge,
        $"request body of {size} bytes exceeds the limit of {MaxRequestBodySize} bytes (MicroOptions.MaxRequestBodySize)");
}
