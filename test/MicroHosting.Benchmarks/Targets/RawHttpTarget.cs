using System.Buffers;
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;

namespace MicroHosting.Benchmarks.Targets;

/// <summary>
/// A wrk-style HTTP/1.1 load generator: pre-built request bytes on keep-alive sockets, the reply read by its
/// Content-Length. It costs the load generator far less CPU than HttpClient, so the server is the bottleneck and the
/// comparison measures the server alone.
/// </summary>
internal sealed class RawHttpTarget : CallTarget
{
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();
    private readonly Uri _address;
    private readonly byte[] _request;
    private readonly ConcurrentBag<Connection> _idle = [];
    private readonly ConcurrentBag<Connection> _all = [];

    public RawHttpTarget(Uri address, string path, string contentType, byte[] body, params (string Name, string Value)[] headers)
    {
        _address = address;
        var head = new StringBuilder()
            .Append("POST ").Append(path).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(address.Authority).Append("\r\n")
            .Append("Content-Type: ").Append(contentType).Append("\r\n")
            .Append("Content-Length: ").Append(body.Length).Append("\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        _request = [.. Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()), .. body];
    }

    public override async Task CallAsync(CancellationToken cancellationToken)
    {
        if (!_idle.TryTake(out var connection))
        {
            connection = new Connection(new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true });
            _all.Add(connection);
            await connection.Socket.ConnectAsync(_address.Host, _address.Port, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await connection.Socket.SendAsync(_request, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            await ReadResponseAsync(connection, cancellationToken).ConfigureAwait(false);
            _idle.Add(connection);
        }
        catch
        {
            connection.Socket.Dispose();
            throw;
        }
    }

    public override void Dispose()
    {
        foreach (var connection in _all)
        {
            connection.Socket.Dispose();
        }
    }

    private static async Task ReadResponseAsync(Connection connection, CancellationToken cancellationToken)
    {
        var buffer = connection.Buffer;
        var length = 0;
        int headerEnd;
        while ((headerEnd = buffer.AsSpan(0, length).IndexOf(HeaderEnd)) < 0)
        {
            length += await Receive(connection, length, cancellationToken).ConfigureAwait(false);
        }

        var head = buffer.AsSpan(0, headerEnd);
        if (!head.StartsWith("HTTP/1.1 200 "u8) || head.IndexOf("\r\nMicro-Error:"u8) >= 0)
        {
            throw new InvalidOperationException("The server did not reply 200 without an error: " + Encoding.ASCII.GetString(head));
        }

        var bodyStart = headerEnd + HeaderEnd.Length;
        if (ContentLength(head) is { } contentLength)
        {
            while (length < bodyStart + contentLength)
            {
                length += await Receive(connection, length, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        // Chunked (a minimal API writes JSON this way): hex size line, data, CRLF; a zero-size chunk ends the body.
        var position = bodyStart;
        while (true)
        {
            int lineEnd;
            while ((lineEnd = buffer.AsSpan(position, length - position).IndexOf("\r\n"u8)) < 0)
            {
                length += await Receive(connection, length, cancellationToken).ConfigureAwait(false);
            }

            var size = int.Parse(buffer.AsSpan(position, lineEnd), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
            var next = position + lineEnd + 2 + size + 2;
            while (length < next)
            {
                length += await Receive(connection, length, cancellationToken).ConfigureAwait(false);
            }

            if (size == 0)
            {
                return;
            }

            position = next;
        }
    }

    private static async ValueTask<int> Receive(Connection connection, int offset, CancellationToken cancellationToken)
    {
        if (offset == connection.Buffer.Length)
        {
            throw new InvalidOperationException("The reply is larger than the load generator's buffer.");
        }

        var read = await connection.Socket.ReceiveAsync(connection.Buffer.AsMemory(offset), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        return read > 0 ? read : throw new InvalidOperationException("The server closed the connection.");
    }

    private static int? ContentLength(ReadOnlySpan<byte> head)
    {
        foreach (var range in head.Split("\r\n"u8))
        {
            var line = head[range];
            if (line.Length > 15 && Ascii.EqualsIgnoreCase(line[..15], "Content-Length:"u8)
                && int.TryParse(Encoding.ASCII.GetString(line[15..]).Trim(), out var value))
            {
                return value;
            }
        }

        return head.IndexOf("\r\nTransfer-Encoding: chunked"u8) >= 0
            ? null
            : throw new InvalidOperationException("The reply has neither a Content-Length nor chunked encoding.");
    }

    private sealed class Connection(Socket socket)
    {
        public Socket Socket { get; } = socket;

        public byte[] Buffer { get; } = GC.AllocateUninitializedArray<byte>(16 * 1024);
    }
}
