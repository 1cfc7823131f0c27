using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using MicroHosting.Internal;

namespace MicroHosting.Client.Internal;

/// <summary>
/// A stream to a <c>protocol=grpc</c> node (server, client or bidirectional streaming, the same on the wire): one HTTP/2
/// <c>POST /&lt;service&gt;.&lt;Type&gt;/&lt;Method&gt;</c> (cleartext with prior knowledge, or TLS when the node says
/// <c>secure=true</c>) whose request body carries the requests and whose response body the replies, each in gRPC's
/// frame (<see cref="GrpcFraming"/>); the end is the <c>grpc-status</c> trailer, or a trailers-only reply, read the way
/// a unary gRPC reply is (<see cref="GrpcWire.ErrorOf"/>). The stream opens when the request's headers went out: a gRPC
/// server answers nothing before its handler writes, so a refusal (unknown method, ...) is what the first receive gets.
/// </summary>
internal sealed class GrpcStreamChannel : MicroStreamChannel
{
    private readonly NodeCandidate _node;
    private readonly CancellationTokenSource _abort = new();
    private readonly TaskCompletionSource<Stream> _requestStream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _requestDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly byte[] _header = new byte[GrpcFraming.HeaderSize];
    private Task<HttpResponseMessage> _responseTask = null!;
    private HttpResponseMessage? _response;
    private PipeReader? _reader;
    private SequencePosition? _consumed;
    private PooledBufferWriter? _scratch;
    private string? _encoding;
    private bool _ended;
    private bool _requestsRefused;

    private GrpcStreamChannel(NodeCandidate node) => _node = node;

    /// <summary>Sends the request's headers and returns once its body can be written (or the node answered already).</summary>
    public static async ValueTask<MicroStreamChannel> OpenAsync(MicroStreamOpening opening, CancellationToken cancellationToken)
    {
        var state = opening.State;
        var channel = new GrpcStreamChannel(opening.Node);
        var request = new HttpRequestMessage(HttpMethod.Post, opening.Node.GrpcUriFor(state.Service, state.Endpoint!))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact, // h2c with prior knowledge, or ALPN h2 over TLS
            Content = new DuplexContent(channel, GrpcWire.ContentTypeOf(opening.Codec)),
        };
        try
        {
            var headers = request.Headers;
            await opening.ApplyHeadersAsync(headers, static (h, name, value) => h.TryAddWithoutValidation(name, value), cancellationToken).ConfigureAwait(false);
            GrpcWire.AddCallHeaders(headers, opening.Left);
            headers.TryAddWithoutValidation(GrpcFraming.AcceptEncodingHeader, GrpcFraming.SupportedEncodings);

            var response = channel._responseTask = opening.Streamer.Invoker.SendAsync(request, channel._abort.Token);
            using (cancellationToken.UnsafeRegister(static c => ((GrpcStreamChannel)c!).Abort(), channel))
            {
                await Task.WhenAny(channel._requestStream.Task, response).ConfigureAwait(false);
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (response.IsFaulted || response.IsCanceled)
            {
                await response.ConfigureAwait(false); // the connection failed: the handler never started
            }

            return channel;
        }
        catch
        {
            channel.Dispose();
            request.Dispose();
            throw;
        }
    }

    public override async ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        if (_requestsRefused || await RequestStreamAsync(cancellationToken).ConfigureAwait(false) is not { } stream)
        {
            return; // the node answered already: the receiving side reports what it said
        }

        try
        {
            GrpcFraming.WriteHeader(_header, message.Length);
            await stream.WriteAsync(_header, cancellationToken).ConfigureAwait(false);
            await stream.WriteAsync(message, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // A server may answer (trailers-only, or a whole reply) without reading the requests, and then reset the
            // request side (RST_STREAM NO_ERROR; the write fails with an IOException or, in SocketsHttpHandler, a
            // TaskCanceledException): its reply, which the receiving side reads, is the stream's outcome.
            if (!await AnsweredAsync().ConfigureAwait(false))
            {
                throw;
            }

            _requestsRefused = true;
        }
    }

    /// <summary>Whether the node's reply came (its headers; what follows is read by the receiving side).</summary>
    private async Task<bool> AnsweredAsync()
    {
        try
        {
            await _responseTask.ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    public override ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        // The content's body ends, and the handler sends END_STREAM after what was written.
        _requestDone.TrySetResult();
        return ValueTask.CompletedTask;
    }

    public override async ValueTask<MicroStreamRead> ReceiveAsync(long maxMessageSize, CancellationToken cancellationToken)
    {
        if (_ended)
        {
            return MicroStreamRead.End;
        }

        var reader = _reader;
        if (reader is null)
        {
            if (await StartReadingAsync(cancellationToken).ConfigureAwait(false) is { } refused)
            {
                return refused;
            }

            reader = _reader!;
        }
        else if (_consumed is { } consumed)
        {
            _consumed = null;
            reader.AdvanceTo(consumed);
        }

        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            bool framed;
            ReadOnlySequence<byte> message;
            try
            {
                framed = GrpcFraming.TryRead(ref buffer, maxMessageSize, _encoding, _scratch ??= new PooledBufferWriter(), out message);
            }
            catch (GrpcFrameException ex)
            {
                reader.AdvanceTo(result.Buffer.Start);
                Abort();
                if (ex.Status == GrpcStatusMap.ResourceExhausted)
                {
                    throw new MicroStreamMessageTooLargeException(ex);
                }

                return MicroStreamRead.Closed(500, $"sent a gRPC frame that cannot be read: {ex.Message}");
            }

            if (framed)
            {
                _consumed = buffer.Start; // the message stays readable until the next receive
                return MicroStreamRead.Received(message);
            }

            if (result.IsCompleted)
            {
                reader.AdvanceTo(buffer.End);
                _ended = true;
                if (!buffer.IsEmpty)
                {
                    return MicroStreamRead.Closed(500, $"ended the stream inside a gRPC frame ({buffer.Length} bytes left over)");
                }

                // The body ended: the trailers (or a trailers-only reply's headers) say how.
                return GrpcWire.ErrorOf(_response!, _node.Node) is { } error ? MicroStreamRead.Failed(error, null) : MicroStreamRead.End;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    public override ValueTask CloseAsync(bool errorReceived, bool receiving, long maxMessageSize, TimeProvider timeProvider)
    {
        if (_ended)
        {
            _requestDone.TrySetResult();
        }
        else
        {
            Abort(); // RST_STREAM: the node's handler sees the caller go away
        }

        return ValueTask.CompletedTask;
    }

    public override void Abort()
    {
        _requestDone.TrySetCanceled();
        _abort.Cancel();
    }

    public override void Dispose(bool keepReceiveBuffer)
    {
        if (!_ended)
        {
            Abort();
        }

        if (!keepReceiveBuffer)
        {
            _reader?.Complete(); // its pooled segments go back; it disposes the response stream
        }

        if (_response is { } response)
        {
            response.Dispose();
        }
        else if (_responseTask is { } pending)
        {
            // Never read: dispose the reply when it comes, and observe a failure.
            _ = pending.ContinueWith(static t => (t.IsCompletedSuccessfully ? t.Result : null)?.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        if (!keepReceiveBuffer)
        {
            _scratch?.Dispose();
        }
    }

    /// <summary>The request's body stream, or <see langword="null"/> when the node answered before asking for it.</summary>
    private async ValueTask<Stream?> RequestStreamAsync(CancellationToken cancellationToken)
    {
        var stream = _requestStream.Task;
        if (!stream.IsCompleted)
        {
            await Task.WhenAny(stream, _responseTask).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (!stream.IsCompleted)
            {
                return null;
            }
        }

        return await stream.ConfigureAwait(false);
    }

    /// <summary>Waits for the reply's headers: a refusal (not HTTP 200) throws, an encoding MicroHosting cannot read ends the stream.</summary>
    private async ValueTask<MicroStreamRead?> StartReadingAsync(CancellationToken cancellationToken)
    {
        var response = _response = await _responseTask.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            _ended = true;
            throw await StreamRefusedException.FromAsync(response, cancellationToken).ConfigureAwait(false);
        }

        _encoding = Value(response.Headers, GrpcFraming.EncodingHeader);
        if (!GrpcFraming.IsSupported(_encoding))
        {
            Abort();
            _ended = true;
            return MicroStreamRead.Closed(501, $"replied with grpc-encoding '{_encoding}', which the client cannot read (it reads {GrpcFraming.SupportedEncodings})");
        }

        _reader = PipeReader.Create(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        return null;
    }

    private static string? Value(HttpHeaders headers, string name)
        => headers.NonValidated.TryGetValues(name, out var values) ? values.ToString() : null;

    /// <summary>The request body: hands its stream to the channel and stays open until the channel completes it.</summary>
    private sealed class DuplexContent : HttpContent
    {
        private readonly GrpcStreamChannel _channel;

        public DuplexContent(GrpcStreamChannel channel, string contentType)
        {
            _channel = channel;
            Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            _channel._requestStream.TrySetResult(stream);
            return _channel._requestDone.Task;
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
            => SerializeToStreamAsync(stream, context);

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
