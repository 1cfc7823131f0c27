using System.Net;
using MicroHosting.Internal;

namespace MicroHosting.Client.Internal;

/// <summary>
/// A request body the codec encoded into a pooled buffer, sent from that buffer: no copy into a new array, and the
/// <c>Content-Type</c> header kept as its string (it is parsed only if someone reads it). Can be sent more than once
/// (retries); the buffer goes back to the pool when the content is disposed with its request.
/// </summary>
internal sealed class MicroRequestContent : HttpContent
{
    private readonly PooledBufferWriter _buffer;

    public MicroRequestContent(PooledBufferWriter buffer, string contentType)
    {
        _buffer = buffer;
        Headers.TryAddWithoutValidation("Content-Type", contentType);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        => stream.WriteAsync(_buffer.WrittenMemory).AsTask();

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        => stream.WriteAsync(_buffer.WrittenMemory, cancellationToken).AsTask();

    protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        => stream.Write(_buffer.WrittenSpan);

    protected override bool TryComputeLength(out long length)
    {
        length = _buffer.WrittenCount;
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _buffer.Dispose();
        }

        base.Dispose(disposing);
    }
}
