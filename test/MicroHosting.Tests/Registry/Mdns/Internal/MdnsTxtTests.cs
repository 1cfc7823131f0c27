using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using MicroHosting.Registry;
using MicroHosting.Registry.Mdns.Internal;
using MicroHosting.Tests.Registry.Mdns;

namespace MicroHosting.Tests.Registry.Mdns.Internal;

public sealed class MdnsTxtTests
{
    public static TheoryData<string> Vectors()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(MdnsTestSupport.VectorDirectory, "*.txt").Order())
        {
            data.Add(Path.GetFileNameWithoutExtension(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Decode_GoMicroVector_EqualsItsJson(string name)
    {
        var strings = File.ReadAllLines(Path.Combine(MdnsTestSupport.VectorDirectory, name + ".txt")).Where(l => l.Length > 0).ToArray();
        var expected = JsonNode.Parse(File.ReadAllText(Path.Combine(MdnsTestSupport.VectorDirectory, name + ".json")))!;

        var payload = MdnsTxt.Decode(strings, out var error);

        Assert.Null(error);
        Assert.NotNull(payload);
        var actual = JsonNode.Parse(JsonSerializer.Serialize(payload, MdnsJsonContext.Default.MdnsTxtPayload))!;
        Assert.Equal((string?)expected["Service"], payload.Service);
        Assert.Equal((string?)expected["Version"], payload.Version);
        Assert.True(JsonNode.DeepEquals(expected["Metadata"], actual["Metadata"]));
        var expectedEndpoints = expected["Endpoints"] as JsonArray ?? [];
        Assert.Equal(expectedEndpoints.Count, payload.Endpoints!.Count);
        for (var i = 0; i < expectedEndpoints.Count; i++)
        {
            var want = expectedEndpoints[i]!;
            if (want["metadata"] is null)
            {
                want["metadata"] = new JsonObject(); // Go's null map reads as empty metadata
            }

            Assert.True(JsonNode.DeepEquals(want, actual["Endpoints"]![i]), $"endpoint {i}: {want.ToJsonString()} != {actual["Endpoints"]![i]!.ToJsonString()}");
        }
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Encode_GoMicroVector_RoundTripsWithShortStrings(string name)
    {
        var strings = File.ReadAllLines(Path.Combine(MdnsTestSupport.VectorDirectory, name + ".txt")).Where(l => l.Length > 0).ToArray();
        var original = MdnsTxt.Decode(strings, out _)!;

        var encoded = MdnsTxt.Encode(original);
        var decoded = MdnsTxt.Decode(encoded, out var error);

        Assert.Null(error);
        Assert.All(encoded, s => Assert.InRange(s.Length, 1, 255));
        Assert.All(encoded, s => Assert.Matches("^[0-9a-f]+$", s));
        Assert.Equal(
            JsonSerializer.Serialize(original, MdnsJsonContext.Default.MdnsTxtPayload),
            JsonSerializer.Serialize(decoded!, MdnsJsonContext.Default.MdnsTxtPayload));
    }

    [Fact]
    public void Encode_LargePayload_SplitsInto255CharacterStrings()
    {
        var payload = new MdnsTxtPayload
        {
            Service = "catalog",
            Version = "1",
            Endpoints = [.. Enumerable.Range(0, 200).Select(i => new MicroEndpoint { Name = $"Catalog.{Guid.NewGuid():N}{i}" })],
            Metadata = new Dictionary<string, string>(),
        };

        var encoded = MdnsTxt.Encode(payload);

        Assert.True(encoded.Count > 2);
        Assert.All(encoded.SkipLast(1), s => Assert.Equal(255, s.Length));
        Assert.Equal(200, MdnsTxt.Decode(encoded, out _)!.Endpoints!.Count);
    }

    [Fact]
    public void Decode_ZlibBomb_IsRejected()
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 64; i++)
            {
                zlib.Write(zeros); // 64 MiB of zeros compress to about 64 KiB
            }
        }

        var hex = Convert.ToHexStringLower(compressed.ToArray());
        var strings = Enumerable.Range(0, (hex.Length + 254) / 255).Select(i => hex.Substring(i * 255, Math.Min(255, hex.Length - (i * 255)))).ToArray();

        var payload = MdnsTxt.Decode(strings, out var error);

        Assert.Null(payload);
        Assert.Contains("inflates to more than", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("zz")]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData("789c0000")]
    [InlineData("00112233")]
    public void Decode_NotGoMicroEncoding_ReturnsReason(string text)
    {
        var payload = MdnsTxt.Decode([text], out var error);

        Assert.Null(payload);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Decode_JsonWithoutService_IsRejected()
    {
        var encoded = MdnsTxt.Encode(new MdnsTxtPayload { Version = "1" });

        Assert.Null(MdnsTxt.Decode(encoded, out var error));
        Assert.Contains("no Service", error, StringComparison.Ordinal);
    }
}
