using System.Buffers;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MicroHosting.Broker;
using MicroHosting.Broker.Nats;
using MicroHosting.Broker.Nats.Internal;
using NATS.Client.Core;

namespace MicroHosting.Benchmarks.Micro;

/// <summary>
/// What the NATS broker adds per message in the Headers format, outside NATS.Net, against what a raw NATS.Net caller does
/// (the pubsub scenario's "raw NATS.Net with the same header" row): on publish, the <see cref="BrokerMessage"/> the caller
/// builds, <see cref="NatsWireFormat.HeadersFor"/> and the payload serializer against a new <see cref="NatsHeaders"/> and
/// the body written; on receive, <see cref="NatsWireFormat.TryDecode"/> against reading the received message as it is.
/// NATS.Net's own work (header block, protocol line, socket) is the same on both sides and left out. Public and unsealed
/// for BenchmarkDotNet.
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class NatsMessageBenchmarks
{
    private static readonly KeyValuePair<string, string>[] Headers = [new("Content-Type", "application/octet-stream")];
    private readonly byte[] _body = new byte[64];
    private readonly ArrayBufferWriter<byte> _payload = new(256);
    private readonly NatsHeaders _received = new() { ["Content-Type"] = "application/octet-stream" };

    [Benchmark(Baseline = true, Description = "raw NATS.Net: new NatsHeaders, body")]
    [BenchmarkCategory("nats-publish")]
    public int PublishRaw()
    {
        var headers = new NatsHeaders { ["Content-Type"] = "application/octet-stream" };
        _payload.ResetWrittenCount();
        _payload.Write(_body);
        return headers.Count + _payload.WrittenCount;
    }

    [Benchmark(Description = "broker: BrokerMessage, HeadersFor, serializer")]
    [BenchmarkCategory("nats-publish")]
    public int PublishBroker()
    {
        var message = new BrokerMessage(Headers, _body);
        var headers = NatsWireFormat.HeadersFor(message, NatsMessageFormat.Headers);
        _payload.ResetWrittenCount();
        NatsPayloadSerializer.Body.Serialize(_payload, message);
        return headers!.Count + _payload.WrittenCount;
    }

    [Benchmark(Baseline = true, Description = "raw NATS.Net: the received message as it is")]
    [BenchmarkCategory("nats-receive")]
    public int ReceiveRaw() => _received.Count + _body.Length;

    [Benchmark(Description = "broker: NatsWireFormat.TryDecode")]
    [BenchmarkCategory("nats-receive")]
    public int ReceiveBroker() => NatsWireFormat.TryDecode(_received, _body, out var message, out _) ? message.HeaderItems.Length + message.Body.Length : 0;
}
