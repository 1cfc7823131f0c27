using Google.Protobuf;
using MicroHosting.Benchmarks.Protos;

namespace MicroHosting.Benchmarks;

/// <summary>The request and reply messages every target sends, built once so the load generator measures calls, not setup.</summary>
internal static class Messages
{
    /// <summary>The small JSON request (about 20 bytes on the wire).</summary>
    public static readonly GreetRequest SmallJson = new("MicroHosting");

    /// <summary>The small protobuf request, for gRPC's twin of the small JSON call.</summary>
    public static readonly HelloRequest SmallProto = new() { Name = "MicroHosting" };

    /// <summary>The ~600-byte protobuf message.</summary>
    public static readonly Payload Large = CreatePayload();

    private static Payload CreatePayload()
    {
        var payload = new Payload
        {
            Id = "7d5c4a2e-9f1b-4c3d-8e6a-0b1c2d3e4f50",
            Timestamp = 1_763_900_000_000,
            Score = 0.875,
            Description = "A benchmark payload of about six hundred bytes: strings, a map, raw bytes and packed integers.",
            Data = ByteString.CopyFrom(Enumerable.Range(0, 160).Select(i => (byte)i).ToArray()),
        };
        payload.Tags.Add(["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]);
        for (var i = 0; i < 6; i++)
        {
            payload.Attributes.Add($"attribute-{i}", $"value-{i}-{new string((char)('a' + i), 12)}");
        }

        payload.Values.Add(Enumerable.Range(0, 40).Select(i => i * 997));
        return payload;
    }
}
