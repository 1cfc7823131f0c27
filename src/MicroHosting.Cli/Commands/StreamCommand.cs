using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using MicroHosting.Cli.Output;
using MicroHosting.Internal;

namespace MicroHosting.Cli.Commands;

/// <summary>
/// <c>micro stream &lt;service&gt; &lt;Endpoint&gt; ['&lt;json&gt;' ...]</c>: opens the endpoint's stream (MicroHosting's
/// WebSocket protocol, see the core README, "Streams"), sends each request (the arguments, or one JSON document per line
/// of standard input with <c>-</c>), closes its side, and prints every reply as one JSON line until the server ends the stream.
/// </summary>
internal static class StreamCommand
{
    public static async Task<int> RunAsync(CliSession session, string service, string endpoint, string[] messages, CancellationToken cancellationToken)
    {
        var requests = new List<JsonElement>();
        IEnumerable<string> inputs = messages is ["-"] ? ReadLines(Console.In) : messages.Length == 0 ? ["{}"] : messages;
        foreach (var input in inputs)
        {
            if (!JsonInput.TryParse(input, session.Error, out var request))
            {
                return ExitCodes.Usage;
            }

            requests.Add(request);
        }

        if (!MicroEndpointName.TryParse(endpoint, out var name))
        {
            await session.Error.WriteLineAsync($"error: endpoint '{endpoint}' is not of the form Type.Method (for example Numbers.Count)").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var versions = await session.LookUpAsync(service, cancellationToken).ConfigureAwait(false);
        var nodes = versions.SelectMany(s => s.Nodes).Where(n => n.Metadata.TryGetValue("framework", out var f) && f == "microhosting").ToList();
        if (nodes.Count == 0)
        {
            if (versions.Count > 0)
            {
                await session.Error.WriteLineAsync($"error: no node of {service} speaks MicroHosting's stream protocol (Go Micro nodes stream over their own transport)").ConfigureAwait(false);
            }

            return ExitCodes.NotFound;
        }

        var node = nodes[Random.Shared.Next(nodes.Count)];
        var secure = node.Metadata.TryGetValue("secure", out var s) && s == "true";
        var uri = new Uri($"{(secure ? "wss" : "ws")}://{node.HostPort}{name.Path}?content-type=application/json");
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Accept", "application/json");
        socket.Options.SetRequestHeader("Timeout", (session.Settings.Timeout.Ticks * 100).ToString(CultureInfo.InvariantCulture));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(session.Settings.Timeout);
        try
        {
            await Progress.RunAsync($"connecting to {node.Id} at {node.HostPort}", async ct =>
            {
                await socket.ConnectAsync(uri, ct).ConfigureAwait(false);
                return true;
            }, deadline.Token).ConfigureAwait(false);
            var sending = SendAsync(socket, requests, deadline.Token);
            var code = await ReceiveAsync(session, socket, deadline.Token).ConfigureAwait(false);
            await sending.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return code;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await session.Error.WriteLineAsync($"error: the stream did not end within {session.Settings.Timeout.TotalSeconds:0.###}s (--timeout)").ConfigureAwait(false);
            return ExitCodes.Unavailable;
        }
    }

    private static IEnumerable<string> ReadLines(TextReader reader)
    {
        while (reader.ReadLine() is { } line)
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                yield return line;
            }
        }
    }

    private static async Task SendAsync(ClientWebSocket socket, List<JsonElement> requests, CancellationToken cancellationToken)
    {
        foreach (var request in requests)
        {
            await socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(request), WebSocketMessageType.Binary, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }

        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> ReceiveAsync(CliSession session, ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>();
        while (true)
        {
            buffer.ResetWrittenCount();
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer.GetMemory(4096), cancellationToken).ConfigureAwait(false);
                buffer.Advance(result.Count);
            }
            while (!result.EndOfMessage);

            switch (result.MessageType)
            {
                case WebSocketMessageType.Close:
                    return socket.CloseStatus is WebSocketCloseStatus.NormalClosure ? ExitCodes.Ok : ExitCodes.RemoteError;
                case WebSocketMessageType.Text:
                    // The server's error JSON; the close follows.
                    await session.Out.WriteLineAsync(Encoding.UTF8.GetString(buffer.WrittenSpan)).ConfigureAwait(false);
                    return ExitCodes.RemoteError;
                default:
                    using (var reply = JsonDocument.Parse(buffer.WrittenMemory))
                    {
                        await session.Out.WriteLineAsync(JsonSerializer.Serialize(reply.RootElement)).ConfigureAwait(false);
                    }

                    await session.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }
}
