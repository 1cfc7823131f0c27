using System.Diagnostics;
using System.Net.WebSockets;
using System.Reflection;
using System.Text;
using MicroHosting.Diagnostics;
using MicroHosting.Internal;
using Microsoft.AspNetCore.Http;

namespace MicroHosting.Server.Internal;

/// <summary>
/// A streaming endpoint served over a WebSocket on the endpoint's own path: binary messages carry encoded messages, a
/// close ends a direction, and a text message from the server carries a terminal error as Go Micro's error JSON.
/// A gRPC call of the endpoint is served as a gRPC stream instead (<see cref="GrpcStreamServer"/>).
/// </summary>
internal sealed class MicroStreamHandler<TRequest, TResponse>(
    string name,
    MethodInfo method,
    MicroStreamKind kind,
    Func<IAsyncEnumerable<TRequest>, MicroContext, IAsyncEnumerable<TResponse>> invoke)
    : MicroHandler(name, method)
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    public override Type RequestType => typeof(TRequest);

    public override Type ResponseType => typeof(TResponse);

    public override MicroStreamKind Kind => kind;

    public override RequestDelegate CreateRequestDelegate(MicroServerRuntime runtime, EndpointFilterDelegate? filters)
        => context => HandleAsync(context, runtime, filters);

    public override EndpointFilterDelegate CreateFilterTarget()
        => invocation => ValueTask.FromResult<object?>(invoke(invocation.GetArgument<IAsyncEnumerable<TRequest>>(0), invocation.GetArgument<MicroContext>(1)));

    private async Task HandleAsync(HttpContext context, MicroServerRuntime runtime, EndpointFilterDelegate? filters)
    {
        // The span and the duration cover the whole stream; the caller's trace context came on the upgrade request.
        var started = Stopwatch.GetTimestamp();
        var stream = MicroTelemetry.StreamKind(kind);
        using var activity = MicroTelemetry.StartServer(Name, runtime.ServiceName, context.Request.Headers);
        activity?.SetTag(MicroTelemetry.StreamTag, stream);
        var status = StatusCodes.Status200OK;
        try
        {
            status = await ServeAsync(context, runtime, filters).ConfigureAwait(false);
        }
        catch
        {
            status = StatusCodes.Status500InternalServerError;
            throw;
        }
        finally
        {
            MicroTelemetry.StopServer(activity, runtime.Metrics, Name, runtime.ServiceName, status, started, stream);
        }
    }

    /// <summary>Serves the stream; returns the status it ended with (499 when the caller went away).</summary>
    private async Task<int> ServeAsync(HttpContext context, MicroServerRuntime runtime, EndpointFilterDelegate? filters)
    {
        if (MicroWireFeature.Of(context) == MicroWire.Grpc)
        {
            return await GrpcStreamServer.ServeAsync(context, runtime, Name, invoke, filters).ConfigureAwait(false);
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            await runtime.Writer.WriteErrorAsync(
                context,
                MicroException.MethodNotAllowed(runtime.ServiceName, $"{Name} is a streaming endpoint: open a WebSocket to {context.Request.Path} (GET with Upgrade: websocket)"),
                MicroWire.Native).ConfigureAwait(false);
            return StatusCodes.Status405MethodNotAllowed;
        }

        var codec = runtime.Codecs.ForRequest(context.Request, MicroWire.Native);
        if (codec is null || !codec.CanHandle(typeof(TRequest)))
        {
            await runtime.Writer.WriteErrorAsync(
                context,
                new MicroException(runtime.ServiceName, StatusCodes.Status415UnsupportedMediaType, $"Content-Type '{context.Request.ContentType}' cannot carry {Name}'s messages ({typeof(TRequest).Name})"),
                MicroWire.Native).ConfigureAwait(false);
            return StatusCodes.Status415UnsupportedMediaType;
        }

        var responseCodec = runtime.Codecs.ForResponse(context.Request, MicroWire.Native, codec, typeof(TResponse));
        if (!runtime.Reader.TryGetDeadline(context.Request, out var deadline, out var deadlineError))
        {
            // Answered before the upgrade, as a plain HTTP error, so the caller sees 400 or 408 rather than a reset.
            await runtime.Writer.WriteErrorAsync(context, deadlineError, MicroWire.Native).ConfigureAwait(false);
            return deadlineError.Code;
        }

        using var scope = new MicroStreamScope(context, runtime, deadline);
        var cancellationToken = scope.Token;

        // Writes end when the caller is gone, or CloseTimeout after the stream ended: a WebSocket aborts the connection
        // when a pending send is cancelled, so a deadline that fired mid-send reset the stream instead of sending the 408.
        using var sendSource = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        using var graceAfterEnd = cancellationToken.Register(static s => ((CancellationTokenSource)s!).CancelAfter(CloseTimeout), sendSource);
        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        var reader = new WebSocketMessageReader<TRequest>(socket, codec, runtime.Reader.MaxRequestBodySize, runtime.ServiceName);
        var microContext = new MicroContext(context, runtime.ServiceName, Name, deadline, cancellationToken, runtime.TimeProvider);
        var previous = MicroContext.Current;
        MicroContext.Current = microContext;
        try
        {
            var input = reader.ReadAllAsync(cancellationToken);
            IAsyncEnumerable<TResponse> output;
            if (filters is null)
            {
                output = invoke(input, microContext);
            }
            else
            {
                output = await filters(EndpointFilterInvocationContext.Create(context, input, microContext)).ConfigureAwait(false) as IAsyncEnumerable<TResponse>
                    ?? throw new InvalidOperationException($"An endpoint filter on {Name} did not return the handler's IAsyncEnumerable<{typeof(TResponse).Name}>.");
            }

            using var body = new PooledBufferWriter();
            await foreach (var item in output.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                body.Clear();
                responseCodec.Encode(body, item);
                await socket.SendAsync(body.WrittenMemory, WebSocketMessageType.Binary, endOfMessage: true, sendSource.Token).ConfigureAwait(false);
            }

            await CloseAsync(socket, WebSocketCloseStatus.NormalClosure, null, reader).ConfigureAwait(false);
            return StatusCodes.Status200OK;
        }
        catch (Exception ex) when (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            var error = ex switch
            {
                OperationCanceledException when runtime.Lifetime.Stopping.IsCancellationRequested => new MicroException(runtime.ServiceName, StatusCodes.Status503ServiceUnavailable, "the server is shutting down"),
                WebSocketException => null,
                _ => runtime.Writer.ToError(context, ex, Name, scope.DeadlinePassed),
            };
            if (error is null)
            {
                socket.Abort();
                return StatusCodes.Status499ClientClosedRequest;
            }

            await SendErrorAsync(socket, error, reader).ConfigureAwait(false);
            return error.Code;
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // The peer went away: nothing left to tell it.
            return StatusCodes.Status499ClientClosedRequest;
        }
        finally
        {
            MicroContext.Current = previous;
        }
    }

    private static async Task SendErrorAsync(WebSocket socket, MicroException error, WebSocketMessageReader<TRequest> reader)
    {
        try
        {
            using var timeout = new CancellationTokenSource(CloseTimeout);
            await socket.SendAsync(Encoding.UTF8.GetBytes(error.ToJson()), WebSocketMessageType.Text, endOfMessage: true, timeout.Token).ConfigureAwait(false);
            var status = error.Code switch
            {
                413 => WebSocketCloseStatus.MessageTooBig,
                400 => WebSocketCloseStatus.InvalidPayloadData,
                503 => WebSocketCloseStatus.EndpointUnavailable,
                _ => WebSocketCloseStatus.InternalServerError,
            };
            await CloseAsync(socket, status, error.Status, reader).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            socket.Abort();
        }
    }

    /// <summary>Sends our close, then waits (bounded) for the peer's, discarding anything it still sends.</summary>
    private static async Task CloseAsync(WebSocket socket, WebSocketCloseStatus status, string? description, WebSocketMessageReader<TRequest> reader)
    {
        using var timeout = new CancellationTokenSource(CloseTimeout);
        try
        {
            if (socket.State == WebSocketState.Open || socket.State == WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(status, description, timeout.Token).ConfigureAwait(false);
            }

            var scratch = new byte[1024];
            while (!reader.Completed && socket.State == WebSocketState.CloseSent)
            {
                var result = await socket.ReceiveAsync(scratch.AsMemory(), timeout.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            socket.Abort();
        }
    }
}
