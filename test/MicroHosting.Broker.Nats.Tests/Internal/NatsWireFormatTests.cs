using System.Diagnostics;
using System.Text;
using System.Text.Json;
using MicroHosting.Registry;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Testing;
using NATS.Client.Core;

namespace MicroHosting.Broker.Nats.Tests.Internal;

[Collection(NatsCollection.Name)]
public sealed class NatsWireFormatTests(NatsServer server)
{
    public sealed record OrderPlaced(string Id, int Amount);

    [ExternalServerFact("nats-server", "nats-server")]
    public Task Publish_GoMicroFormat_HeadersFormatSubscriberGetsMessageMetadataAndTrace()
        => PublishAndReceiveAsync(NatsMessageFormat.GoMicro, subscriberFormat: NatsMessageFormat.Headers, "nats.format.gomicro");

    [ExternalServerFact("nats-server", "nats-server")]
    public Task Publish_HeadersFormat_GoMicroFormatSubscriberGetsMessageMetadataAndTrace()
        => PublishAndReceiveAsync(NatsMessageFormat.Headers, subscriberFormat: NatsMessageFormat.GoMicro, "nats.format.headers");

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task Publish_DefaultFormat_RawNatsSubscriberParsesGoMicroEnvelope()
    {
        await using var raw = await ConnectRawAsync();
        await using var subscription = await raw.SubscribeCoreAsync<byte[]>("nats.format.raw-sub");
        await raw.PingAsync();
        await using var publisher = await StartAsync("shop", format: null);

        var options = new MicroPublishOptions();
        options.Metadata["Tenant"] = "acme";
        await Publisher(publisher).PublishAsync("nats.format.raw-sub", new OrderPlaced("o-1", 3), options);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var message = await subscription.Msgs.ReadAsync(timeout.Token);

        // Go Micro's broker reads the payload alone: no NATS headers, json.Unmarshal into broker.Message.
        Assert.Null(message.Headers);
        var payload = Encoding.UTF8.GetString(message.Data!);
        Assert.StartsWith("{\"Header\":{\"Content-Type\":\"application/json\",", payload, StringComparison.Ordinal);
        using var envelope = JsonDocument.Parse(message.Data);
        Assert.Equal(["Header", "Body"], envelope.RootElement.EnumerateObject().Select(p => p.Name));
        var header = envelope.RootElement.GetProperty("Header");
        Assert.Equal("application/json", header.GetProperty("Content-Type").GetString());
        Assert.Equal("nats.format.raw-sub", header.GetProperty("Micro-Topic").GetString());
        Assert.True(Guid.TryParse(header.GetProperty("Micro-Id").GetString(), out _));
        Assert.Equal("shop", header.GetProperty("Micro-From-Service").GetString());
        Assert.Equal("acme", header.GetProperty("Tenant").GetString());
        var body = JsonSerializer.Deserialize<OrderPlaced>(envelope.RootElement.GetProperty("Body").GetBytesFromBase64(), JsonSerializerOptions.Web);
        Assert.Equal(new OrderPlaced("o-1", 3), body);
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task Subscribe_GoMicroEnvelopeFromRawPublisher_DecodedWithHeadersAndBody()
    {
        var sink = new MessageSink<(OrderPlaced Message, MicroMessageContext Context)>();
        await using var subscriber = await StartAsync("billing", NatsMessageFormat.Headers, s => s.AddMicroSubscriber<OrderPlaced>("nats.format.go-envelope", (m, c, _) => Add(sink, (m, c))));
        await using var raw = await ConnectRawAsync();

        // What go-micro's nats broker sends for client.Publish of {"id":"o-7","amount":42} with metadata Tenant=acme:
        // json.Marshal(broker.Message): map keys sorted by bytes, Body as standard padded base64, no NATS headers.
        const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var body = Convert.ToBase64String("{\"id\":\"o-7\",\"amount\":42}"u8);
        var envelope = "{\"Header\":{\"Content-Type\":\"application/json\",\"Micro-From-Service\":\"go.shop\","
            + "\"Micro-Id\":\"5b3a5c59-5f6b-4a39-9b1e-4f3a3f1b9e21\",\"Micro-Topic\":\"nats.format.go-envelope\","
            + "\"Tenant\":\"acme\",\"traceparent\":\"" + TraceParent + "\"},\"Body\":\"" + body + "\"}";
        await raw.PublishAsync("nats.format.go-envelope", Encoding.UTF8.GetBytes(envelope));

        var (message, context) = (await sink.WaitForAsync(1))[0];
        Assert.Equal(new OrderPlaced("o-7", 42), message);
        Assert.Equal("application/json", context.ContentType);
        Assert.Equal("go.shop", context.FromService);
        Assert.Equal("5b3a5c59-5f6b-4a39-9b1e-4f3a3f1b9e21", context.Id);
        Assert.Equal("acme", context.Metadata["Tenant"]);
        Assert.Equal(TraceParent, context.RawMessage.GetHeader("traceparent"));
        Assert.Equal("{\"id\":\"o-7\",\"amount\":42}", Encoding.UTF8.GetString(context.RawMessage.Body.Span));
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task Subscribe_MalformedEnvelopes_DroppedLoggedCountedAndNextMessageDelivered()
    {
        var sink = new MessageSink<string>();
        await using var subscriber = await StartAsync("billing", format: null, s => s.AddFakeLogging().AddMicroSubscriber<OrderPlaced>("nats.format.malformed", (m, _) => Add(sink, m.Id)));
        using var dropped = new MetricCollector<long>(subscriber.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "MicroHosting", "microhosting.broker.dropped");
        await using var raw = await ConnectRawAsync();

        string[] malformed =
        [
            "{\"Header\":{\"Content-Type\":\"application/json\"},\"Body\":\"%%% not base64\"}",
            "{\"Header\":[\"not\",\"a\",\"map\"],\"Body\":\"\"}",
            "{\"Header\":{\"Content-Type\":1},\"Body\":\"\"}",
            "{\"Header\":{\"Content-Type\":\"application/js",
        ];
        foreach (var payload in malformed)
        {
            await raw.PublishAsync("nats.format.malformed", Encoding.UTF8.GetBytes(payload));
        }

        var good = "{\"Header\":{\"Content-Type\":\"application/json\"},\"Body\":\"" + Convert.ToBase64String("{\"id\":\"good\",\"amount\":1}"u8) + "\"}";
        await raw.PublishAsync("nats.format.malformed", Encoding.UTF8.GetBytes(good));

        // One subscription handles its messages in order, so the drops are recorded before the good one arrives.
        Assert.Equal(["good"], await sink.WaitForAsync(1));
        var logs = subscriber.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Id.Name == "NatsMalformedMessage").ToArray();
        Assert.Equal(malformed.Length, logs.Length);
        Assert.Contains(logs, r => r.Message.Contains("illegal base64 data", StringComparison.Ordinal));
        Assert.All(logs, r => Assert.Contains("nats.format.malformed", r.Message, StringComparison.Ordinal));
        Assert.Equal(malformed.Length, dropped.GetMeasurementSnapshot().Where(m => Equals(m.Tags["reason"], "malformed")).Sum(m => m.Value));
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task Subscribe_HeaderBlockThatCannotBeParsed_DroppedLoggedCountedAndNextMessageDelivered()
    {
        var sink = new MessageSink<BrokerMessage>();
        await using var app = await StartAsync("audit", format: null, s => s.AddFakeLogging());
        using var dropped = new MetricCollector<long>(app.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "MicroHosting", "microhosting.broker.dropped");
        await using var subscription = await app.Services.GetRequiredService<IBroker>().SubscribeAsync("nats.format.badheaders", (_, m, _) => new ValueTask(Add(sink, m)));

        // NATS.Net refuses to write a header line without a colon, so this one goes out as raw protocol.
        var url = new Uri(server.Url);
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(url.Host, url.Port);
        var stream = tcp.GetStream();
        await ReadLineAsync(stream);
        const string Block = "NATS/1.0\r\nno colon here\r\n\r\n";
        var protocol = "CONNECT {\"verbose\":false,\"pedantic\":false,\"headers\":true,\"protocol\":1}\r\n"
            + $"HPUB nats.format.badheaders {Block.Length} {Block.Length + 3}\r\n{Block}bad\r\nPING\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(protocol));
        Assert.Equal("PONG", await ReadLineAsync(stream));
        await using var raw = await ConnectRawAsync();
        await raw.PublishAsync("nats.format.badheaders", "good"u8.ToArray(), new NatsHeaders { ["Content-Type"] = "text/plain" });

        // One subscription handles its messages in order: the bad one was dropped before the good one arrived.
        var good = Assert.Single(await sink.WaitForAsync(1));
        Assert.Equal("good", Encoding.UTF8.GetString(good.Body.Span));
        Assert.Equal("text/plain", good.GetHeader("Content-Type"));
        var log = Assert.Single(app.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Name == "NatsMalformedMessage");
        Assert.Contains("the NATS header block cannot be read", log.Message, StringComparison.Ordinal);
        Assert.Equal(1, dropped.GetMeasurementSnapshot().Where(m => Equals(m.Tags["reason"], "malformed")).Sum(m => m.Value));
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task Subscribe_PlainPayloadWithoutHeaders_DeliveredRawWithNoHeaders()
    {
        var sink = new MessageSink<BrokerMessage>();
        await using var app = await StartAsync("audit", format: null);
        await using var subscription = await app.Services.GetRequiredService<IBroker>().SubscribeAsync("nats.format.plain", (_, m, _) =>
        {
            sink.Add(m);
            return ValueTask.CompletedTask;
        });
        await using var raw = await ConnectRawAsync();

        // A JSON object is only an envelope with a member named exactly Header or Body, as Go writes it.
        byte[][] payloads = [Encoding.UTF8.GetBytes("{\"id\":\"o-1\",\"body\":\"not base64\"}"), [0x0a, 0x02, 0x68, 0x69]];
        foreach (var payload in payloads)
        {
            await raw.PublishAsync("nats.format.plain", payload);
        }

        var received = await sink.WaitForAsync(2);
        Assert.All(received, m => Assert.Empty(m.Headers));
        Assert.Equal(payloads, received.Select(m => m.Body.ToArray()));
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task Publish_HeadersFormatMessageWithoutHeaders_RawSubscriberGetsBodyWithoutHeaderBlock()
    {
        await using var raw = await ConnectRawAsync();
        await using var subscription = await raw.SubscribeCoreAsync<byte[]>("nats.format.no-headers");
        await raw.PingAsync();
        await using var publisher = await StartAsync("shop", NatsMessageFormat.Headers);

        await publisher.Services.GetRequiredService<IBroker>().PublishAsync("nats.format.no-headers", new BrokerMessage(null, "plain"u8.ToArray()));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var message = await subscription.Msgs.ReadAsync(timeout.Token);
        Assert.Null(message.Headers);
        Assert.Equal("plain"u8.ToArray(), message.Data);
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task Subscribe_EnvelopeWithNatsHeadersAdded_EnvelopeWinsOtherNatsHeadersKept()
    {
        var sink = new MessageSink<BrokerMessage>();
        await using var app = await StartAsync("audit", format: null);
        await using var subscription = await app.Services.GetRequiredService<IBroker>().SubscribeAsync("nats.format.relayed", (_, m, _) =>
        {
            sink.Add(m);
            return ValueTask.CompletedTask;
        });
        await using var raw = await ConnectRawAsync();

        // A relay that adds NATS headers to a Go Micro message: neither names Content-Type nor Micro-*, so it is an envelope.
        var envelope = "{\"Header\":{\"Tenant\":\"acme\",\"k\":\"v\"},\"Body\":\"" + Convert.ToBase64String("hi"u8) + "\"}";
        await raw.PublishAsync("nats.format.relayed", Encoding.UTF8.GetBytes(envelope), new NatsHeaders { ["X-Relay"] = "r1", ["Tenant"] = "relay" });

        var message = (await sink.WaitForAsync(1))[0];
        Assert.Equal(
            new Dictionary<string, string> { ["X-Relay"] = "r1", ["Tenant"] = "acme", ["k"] = "v" },
            message.Headers.ToDictionary());
        Assert.Equal("hi"u8.ToArray(), message.Body.ToArray());
    }

    private async Task PublishAndReceiveAsync(NatsMessageFormat publisherFormat, NatsMessageFormat subscriberFormat, string topic)
    {
        var sink = new MessageSink<(OrderPlaced Message, MicroMessageContext Context)>();
        await using var subscriber = await StartAsync("audit", subscriberFormat, s => s.AddMicroSubscriber<OrderPlaced>(topic, (m, c, _) => Add(sink, (m, c))));
        await using var publisher = await StartAsync("shop", publisherFormat);
        await using var raw = await ConnectRawAsync();
        await using var wire = await raw.SubscribeCoreAsync<byte[]>(topic);
        await raw.PingAsync();

        using var trace = new Activity("caller").SetIdFormat(ActivityIdFormat.W3C).Start();
        var options = new MicroPublishOptions();
        options.Metadata["Tenant"] = "acme";
        await Publisher(publisher).PublishAsync(topic, new OrderPlaced("o-1", 5), options);

        var (message, context) = (await sink.WaitForAsync(1))[0];
        Assert.Equal(new OrderPlaced("o-1", 5), message);
        Assert.Equal("application/json", context.ContentType);
        Assert.Equal("acme", context.Metadata["Tenant"]);
        Assert.Equal("shop", context.FromService);
        Assert.Equal(topic, context.RawMessage.GetHeader("Micro-Topic"));
        Assert.Contains(trace.TraceId.ToHexString(), context.RawMessage.GetHeader("traceparent"), StringComparison.Ordinal);

        // The option decides what goes on the wire.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var onWire = await wire.Msgs.ReadAsync(timeout.Token);
        if (publisherFormat == NatsMessageFormat.Headers)
        {
            Assert.Equal("application/json", onWire.Headers?["Content-Type"].ToString());
            Assert.Equal(new OrderPlaced("o-1", 5), JsonSerializer.Deserialize<OrderPlaced>(onWire.Data, JsonSerializerOptions.Web));
        }
        else
        {
            Assert.Null(onWire.Headers);
            Assert.StartsWith("{\"Header\":{", Encoding.UTF8.GetString(onWire.Data!), StringComparison.Ordinal);
        }
    }

    /// <summary>One protocol line from nats-server, skipping its PINGs and +OKs (INFO, PONG, -ERR ...).</summary>
    private static async Task<string> ReadLineAsync(System.Net.Sockets.NetworkStream stream)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var line = new StringBuilder();
            var one = new byte[1];
            while (!line.ToString().EndsWith("\r\n", StringComparison.Ordinal))
            {
                Assert.Equal(1, await stream.ReadAsync(one, timeout.Token));
                line.Append((char)one[0]);
            }

            var text = line.ToString().TrimEnd();
            if (text is not ("PING" or "+OK"))
            {
                return text;
            }

            await stream.WriteAsync("PONG\r\n"u8.ToArray(), timeout.Token);
        }
    }

    private async Task<NatsConnection> ConnectRawAsync()
    {
        var connection = new NatsConnection(new NatsOpts { Url = server.Url });
        await connection.ConnectAsync();
        return connection;
    }

    private static IMicroPublisher Publisher(WebApplication app) => app.Services.GetRequiredService<IMicroPublisher>();

    private Task<WebApplication> StartAsync(string name, NatsMessageFormat? format, Action<IServiceCollection>? services = null)
        => MicroTestHost.StartAsync(
            name,
            _ => { },
            new InMemoryRegistry(),
            configure: m => m.AddNatsBroker(o =>
            {
                o.Url = server.Url;
                if (format is { } chosen)
                {
                    o.MessageFormat = chosen;
                }
            }),
            configureBuilder: b => services?.Invoke(b.Services));

    private static Task Add<T>(MessageSink<T> sink, T item)
    {
        sink.Add(item);
        return Task.CompletedTask;
    }
}
