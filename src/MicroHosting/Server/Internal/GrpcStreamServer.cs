using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using MicroHosting.Codecs;
using MicroHosting.Internal;
using Microsoft.AspNetCore.Http;

namespace MicroHosting.Server.Internal;

/// <summary>
/// A MicroHosting stream endpoint served as a gRPC stream (server, client or bidirectional streaming, as the handler
/// is): gRPC-framed messages in the request body and in the response body, each reply flushed as it is produced, and
/// <c>grpc-status</c> in the trailers when the stream ends (trailers-only when it fails before the first reply).
/// </summary>
internal static class GrpcStreamServer
{
    /// <summary>Serves the stream; returns the status it ended with (499 when the caller went away).</summary>
    public static async Task<int> ServeAsync<TRequest, TResponse>(
        HttpContext context,
        MicroServerRuntime runtime,
        string name,
        Func<IAsyncEnumerable<TRequest>, MicroContext, IAsyncEnumerable<TResponse>> invoke,
        EndpointFilterDelegate? filters)
    {
        if (runtime.Codecs.ForRequest(context.Request, MicroWire.Grpc) is not GrpcFramedMicroCodec codec || !codec.CanHandle(typeof(TRequest)) || !codec.CanHandle(typeof(TResponse)))
        {
            var error = new MicroException(runtime.ServiceName, StatusCodes.Status415UnsupportedMediaType, $"Content-Type '{context.Request.ContentType}' cannot carry {name}'s messages ({typeof(TRequest).Name}, {typeof(TResponse).Name})");
            await runtime.Writer.WriteErrorAsync(context, error, MicroWire.Grpc).ConfigureAwait(false);
            return error.Code;
        }

        if (!runtime.Reader.TryGetDeadline(context.Request, out var deadline, out var deadlineError))
        {
            await runtime.Writer.WriteErrorAsync(context, deadlineError, MicroWire.Grpc).ConfigureAwait(false);
            return deadlineError.Code;
        }

        using var scope = new MicroStreamScope(context, runtime, deadline);
        var cancellationToken = scope.Token;
        var microContext = new MicroContext(context, runtime.ServiceName, name, deadline, cancellationToken, runtime.TimeProvider);
        var previous = MicroContext.Current;
        MicroContext.Current = microContext;
        try
        {
            var encoding = context.Request.Headers[GrpcFraming.EncodingHeader].ToString();
            var input = ReadAllAsync<TRequest>(context.Request.BodyReader, codec, encoding, runtime.Reader.MaxRequestBodySize, runtime.ServiceName, cancellationToken);
            var output = filters is null
                ? invoke(input, microContext)
                : await filters(EndpointFilterInvocationContext.Create(context, input, microContext)).ConfigureAwait(false) as IAsyncEnumerable<TResponse>
                    ?? throw new InvalidOperationException($"An endpoint filter on {name} did not return the handler's IAsyncEnumerable<{typeof(TResponse).Name}>.");

            var response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = context.Request.ContentType;
            using var body = new PooledBufferWriter();
            await foreach (var item in output.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                body.Clear();
                codec.Encode(body, item);
                await response.Body.WriteAsync(body.WrittenMemory, cancellationToken).ConfigureAwait(false);
                await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            if (!response.HasStarted)
            {
                await response.StartAsync(cancellationToken).ConfigureAwait(false);
            }

            response.AppendTrailer(GrpcServerWire.StatusHeader, "0");
            return StatusCodes.Status200OK;
        }
        catch (Exception ex)
        {
            var error = ex switch
            {
                OperationCanceledException when runtime.Lifetime.Stopping.IsCancellationRequested => new MicroException(runtime.ServiceName, StatusCodes.Status503ServiceUnavailable, "the server is shutting down"),
                _ => runtime.Writer.ToError(context, ex, name, scope.DeadlinePassed),
            };
            if (error is null)
            {
                return StatusCodes.Status499ClientClosedRequest;
            }

            await GrpcServerWire.WriteErrorAsync(context, error).ConfigureAwait(false);
            return error.Code;
        }
        finally
        {
            MicroContext.Current = previous;
        }
    }

    /// <summary>Reads gRPC frames from the request body, one message each (decompressed per the call's <c>grpc-encoding</c>), until the caller half-closes.</summary>
    private static async IAsyncEnumerable<T> ReadAllAsync<T>(
        PipeReader reader, GrpcFramedMicroCodec codec, string? encoding, long maxMessageSize, string serviceName, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var scratch = new PooledBufferWriter();
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (TryReadFrame(ref buffer, codec, encoding, maxMessageSize, serviceName, scratch, out T? message))
            {
                // The frame is consumed; what follows it is not examined yet, so the next read returns it at once.
                reader.AdvanceTo(buffer.Start);
                yield return message!;
                continue;
            }

            if (result.IsCompleted)
            {
                reader.AdvanceTo(buffer.End);
                if (!buffer.IsEmpty)
                {
                    throw new MicroException(serviceName, StatusCodes.Status400BadRequest, $"the request stream ended inside a gRPC frame ({buffer.Length} bytes left over)");
                }

                yield break;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static bool TryReadFrame<T>(
        ref ReadOnlySequence<byte> buffer, GrpcFramedMicroCodec codec, string? encoding, long maxMessageSize, string serviceName, PooledBufferWriter scratch, out T? message)
    {
        message = default;
        try
        {
            if (!GrpcFraming.TryRead(ref buffer, maxMessageSize, encoding, scratch, out var payload))
            {
                return false;
            }

            message = codec.DecodeMessage<T>(payload);
            return true;
        }
        catch (GrpcFrameException ex)
        {
            throw GrpcServerWire.ToError(serviceName, ex);
        }
        catch (MicroCodecException ex)
        {
            throw new MicroException(serviceName, StatusCodes.Status400BadRequest, ex.Message, innerException: ex);
        }
    }
}
