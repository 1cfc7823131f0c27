using System.Runtime.CompilerServices;
using MicroHosting.Codecs;
using MicroHosting.Internal;

namespace MicroHosting.Client.Internal;

/// <summary>Sending, receiving and closing, through the attempt's <see cref="MicroStreamChannel"/>.</summary>
internal sealed partial class MicroStreamCall<TRequest, TResponse>
{
    private PooledBufferWriter? _sendBuffer;
    private MicroException? _remoteError;
    private bool _errorReceived;
    private int _receiving;
    private int _disposed;

    /// <summary>Gets the latest message received.</summary>
    public TResponse Current { get; private set; } = default!;

    /// <summary>Gets how many messages arrived.</summary>
    public int Received { get; private set; }

    public async ValueTask SendAsync(TRequest message, CancellationToken cancellationToken)
        => await GuardAsync(
            static async (call, message, token) =>
            {
                await call.SendCoreAsync(message, token).ConfigureAwait(false);
                return true;
            },
            message,
            cancellationToken).ConfigureAwait(false);

    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
        => await GuardAsync(
            static async (call, _, token) =>
            {
                await call.CompleteCoreAsync(token).ConfigureAwait(false);
                return true;
            },
            0,
            cancellationToken).ConfigureAwait(false);

    /// <summary>Receives the next message into <see cref="Current"/>; <see langword="false"/> when the node ended the stream normally.</summary>
    public ValueTask<bool> ReceiveAsync(CancellationToken cancellationToken)
        => GuardAsync(static (call, _, token) => call.ReceiveCoreAsync(token), 0, cancellationToken);

    public async IAsyncEnumerable<TResponse> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (await ReceiveAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return Current;
        }
    }

    /// <summary>
    /// Client streaming: sends every request while waiting for the reply. A reply or an error that arrives first, or a
    /// send that fails, stops the sending (the producer's token is cancelled before it is disposed); a producer that
    /// fails aborts the stream, so the handler sees the caller go away.
    /// </summary>
    public async Task<TResponse> SendAllAndReceiveReplyAsync(IAsyncEnumerable<TRequest> requests)
    {
        using var stopProducer = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var reply = ReceiveReplyAsync(stopProducer);

        // Enumerated by hand, not with await foreach: a send that fails (the node replied and closed while a message was
        // on its way) must cancel the producer's token before its enumerator is disposed, as a reply that comes first
        // does. await foreach would dispose it first, and a producer watching its token would never hear of the stop.
        var producer = requests.GetAsyncEnumerator(stopProducer.Token);
        try
        {
            while (await producer.MoveNextAsync().ConfigureAwait(false))
            {
                if (reply.IsCompleted)
                {
                    break;
                }

                await SendCoreAsync(producer.Current, Token).ConfigureAwait(false);
            }

            if (!reply.IsCompleted)
            {
                await CompleteCoreAsync(Token).ConfigureAwait(false);
            }
        }
        catch (Exception) when (reply.IsCompleted || (stopProducer.IsCancellationRequested && !Token.IsCancellationRequested))
        {
            // The reply or the node's error came first, and it is what the caller gets (below).
        }
        catch (Exception ex)
        {
            _channel?.Abort();
            try
            {
                await reply.ConfigureAwait(false);
            }
            catch (MicroException) when (_errorReceived)
            {
                throw; // the node's own error explains the most
            }
            catch (Exception)
            {
                // The sending side's failure explains more.
            }

            var mapped = Translate(ex, default);
            if (!ReferenceEquals(mapped, ex))
            {
                throw mapped;
            }

            throw;
        }
        finally
        {
            await stopProducer.CancelAsync().ConfigureAwait(false);
            await producer.DisposeAsync().ConfigureAwait(false);
        }

        return await reply.ConfigureAwait(false);
    }

    private async Task<TResponse> ReceiveReplyAsync(CancellationTokenSource stopProducer)
    {
        try
        {
            if (!await ReceiveAsync(default).ConfigureAwait(false))
            {
                throw BadReply("closed the stream without a reply");
            }

            var value = Current;
            if (await ReceiveAsync(default).ConfigureAwait(false))
            {
                throw BadReply("sent more than one reply to a client stream");
            }

            return value;
        }
        finally
        {
            await stopProducer.CancelAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask SendCoreAsync(TRequest message, CancellationToken token)
    {
        var channel = _channel ?? throw NotOpen();
        var codec = _codec!;
        var buffer = _sendBuffer ??= new PooledBufferWriter();
        buffer.Clear();
        try
        {
            codec.Encode(buffer, message);
        }
        catch (MicroCodecException ex)
        {
            throw new MicroException(MicroClientErrors.Id, 400, $"a stream message ({typeof(TRequest).Name}) cannot be encoded as {codec.ContentType}: {ex.Message}", innerException: ex);
        }

        await channel.SendAsync(buffer.WrittenMemory, token).ConfigureAwait(false);
    }

    private ValueTask CompleteCoreAsync(CancellationToken token) => (_channel ?? throw NotOpen()).CompleteAsync(token);

    private async ValueTask<bool> ReceiveCoreAsync(CancellationToken token)
    {
        var channel = _channel ?? throw NotOpen();
        if (_remoteError is { } ended)
        {
            throw ended;
        }

        MicroStreamRead read;
        Interlocked.Increment(ref _receiving);
        try
        {
            read = await channel.ReceiveAsync(_runtime.Options.MaxStreamMessageSize, token).ConfigureAwait(false);
        }
        catch (MicroStreamMessageTooLargeException)
        {
            throw Failed(413, $"sent a stream message over the client's limit of {_runtime.Options.MaxStreamMessageSize} bytes (Micro:Client:MaxStreamMessageSize)");
        }
        finally
        {
            Interlocked.Decrement(ref _receiving);
        }

        switch (read.Kind)
        {
            case MicroStreamReadKind.Message:
                var codec = _codec!;
                try
                {
                    Current = codec.Decode<TResponse>(read.Message);
                }
                catch (MicroCodecException ex)
                {
                    channel.Abort();
                    throw BadReply($"sent a message that is not valid {codec.ContentType} for {typeof(TResponse).Name}: {ex.Message}", ex);
                }

                Received++;
                return true;
            case MicroStreamReadKind.Error:
                // The node's terminal error (Go Micro's error JSON); the end of the stream follows.
                var error = read.Error ?? Failed(500, $"ended the stream with an error that is not error JSON: {MicroCaller.Shorten(read.Text ?? string.Empty)}");
                _errorReceived = true;
                _remoteError = error;
                throw error;
            case MicroStreamReadKind.End:
                Ended();
                return false;
            default:
                throw Failed(read.ClosedCode, read.Text ?? "closed the stream");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_channel is { } channel)
        {
            // The close handshake when both sides are done, otherwise an abort, which the server's handler sees as the caller going away.
            await channel.CloseAsync(_errorReceived, Volatile.Read(ref _receiving) != 0, _runtime.Options.MaxStreamMessageSize, _runtime.TimeProvider).ConfigureAwait(false);

            // A receive still running (a reader on another task when the stream was disposed) keeps its buffer: it ends with the channel.
            channel.Dispose(keepReceiveBuffer: Volatile.Read(ref _receiving) != 0);
        }

        _sendBuffer?.Dispose();
        StopTelemetry();
        _linked?.Dispose();
        _deadline?.Dispose();
        _request.Dispose();
    }

    /// <summary>Runs one operation under the stream's token and the operation's own, and maps its failure for the caller.</summary>
    private async ValueTask<TResult> GuardAsync<TArg, TResult>(
        Func<MicroStreamCall<TRequest, TResponse>, TArg, CancellationToken, ValueTask<TResult>> operation, TArg arg, CancellationToken cancellationToken)
    {
        var linked = Link(cancellationToken);
        try
        {
            return await operation(this, arg, linked?.Token ?? Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(ex, cancellationToken) is var mapped && !ReferenceEquals(mapped, ex))
        {
            throw mapped;
        }
        finally
        {
            linked?.Dispose();
        }
    }

    private CancellationTokenSource? Link(CancellationToken cancellationToken)
        => cancellationToken.CanBeCanceled && cancellationToken != Token ? CancellationTokenSource.CreateLinkedTokenSource(Token, cancellationToken) : null;
}
