using System.Buffers;
using System.IO.Pipelines;

namespace MicroHosting.Testing.Internal;

/// <summary>
/// One end of an in-memory connection: reads what the other end wrote, writes what it reads, with a socket's
/// back-pressure (the pipe's pause threshold). Disposing an end is closing the connection: the other end reads the rest
/// of what was sent, then end of stream, and its writes fail as they would on a reset socket.
/// </summary>
internal sealed class MicroTestDuplexStream : Stream
{
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly Action? _closed;
    private int _disposed;

    private MicroTestDuplexStream(PipeReader input, PipeWriter output, Action? closed)
    {
        _input = input;
        _output = output;
        _closed = closed;
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Creates a connection's two ends; <paramref name="clientClosed"/> runs when the client's end is disposed.</summary>
    public static (MicroTestDuplexStream Client, MicroTestDuplexStream Server) CreatePair(Action? clientClosed)
    {
        var options = new PipeOptions(useSynchronizationContext: false);
        var toServer = new Pipe(options);
        var toClient = new Pipe(options);
        return (new MicroTestDuplexStream(toClient.Reader, toServer.Writer, clientClosed), new MicroTestDuplexStream(toServer.Reader, toClient.Writer, null));
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (true)
        {
            var result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var available = result.Buffer;
            if (!available.IsEmpty)
            {
                var length = (int)Math.Min(available.Length, buffer.Length);
                available.Slice(0, length).CopyTo(buffer.Span);
                _input.AdvanceTo(available.GetPosition(length));
                return length;
            }

            _input.AdvanceTo(available.Start);
            if (result.IsCompleted || result.IsCanceled)
            {
                return 0;
            }
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var result = await _output.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (result.IsCompleted)
        {
            throw new IOException("The connection was closed by the other end (in-memory connection of a MicroTestNetwork).");
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    // WebSockets use the asynchronous methods only; blocking on a pipe could deadlock a test.
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Read asynchronously.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("Write asynchronously.");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _input.Complete();
            _output.Complete();
            _closed?.Invoke();
        }

        base.Dispose(disposing);
    }
}
