using System.Buffers;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Google.Protobuf;
using MicroHosting.Benchmarks.Protos;
using MicroHosting.Codecs;

namespace MicroHosting.Benchmarks.Micro;

/// <summary>
/// The codecs through <see cref="MicroCodec"/> against the library call underneath (the baseline of each category):
/// the ratio is the codec layer's overhead. Public and unsealed because BenchmarkDotNet derives from it.
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class CodecBenchmarks
{
    private static readonly JsonFormatter ProtoFormatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));
    private static readonly JsonParser ProtoParser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));
    private readonly MicroCodec _json = new JsonMicroCodec();
    private readonly MicroCodec _protobuf = new ProtobufMicroCodec();
    private readonly ArrayBufferWriter<byte> _output = new(4096);
    private readonly Utf8JsonWriter _writer = new(Stream.Null, new JsonWriterOptions { SkipValidation = true });
    private readonly byte[] _smallJson = JsonSerializer.SerializeToUtf8Bytes(Messages.SmallJson, JsonSerializerOptions.Web);
    private readonly byte[] _largeProtobuf = Messages.Large.ToByteArray();
    private readonly byte[] _largeJson = Encoding.UTF8.GetBytes(ProtoFormatter.Format(Messages.Large));

    [Benchmark(Baseline = true, Description = "System.Text.Json")]
    [BenchmarkCategory("json-encode-small")]
    public int JsonEncodeBaseline()
    {
        _output.ResetWrittenCount();
        _writer.Reset(_output);
        JsonSerializer.Serialize(_writer, Messages.SmallJson, JsonSerializerOptions.Web);
        _writer.Flush();
        return _output.WrittenCount;
    }

    [Benchmark(Description = "JsonMicroCodec")]
    [BenchmarkCategory("json-encode-small")]
    public int JsonEncode()
    {
        _output.ResetWrittenCount();
        _json.Encode(_output, Messages.SmallJson);
        return _output.WrittenCount;
    }

    [Benchmark(Baseline = true, Description = "System.Text.Json")]
    [BenchmarkCategory("json-decode-small")]
    public GreetRequest? JsonDecodeBaseline() => JsonSerializer.Deserialize<GreetRequest>(_smallJson, JsonSerializerOptions.Web);

    [Benchmark(Description = "JsonMicroCodec")]
    [BenchmarkCategory("json-decode-small")]
    public GreetRequest JsonDecode() => _json.Decode<GreetRequest>(new ReadOnlySequence<byte>(_smallJson));

    [Benchmark(Baseline = true, Description = "Protobuf.WriteTo")]
    [BenchmarkCategory("protobuf-encode-600B")]
    public int ProtobufEncodeBaseline()
    {
        _output.ResetWrittenCount();
        Messages.Large.WriteTo(_output);
        return _output.WrittenCount;
    }

    [Benchmark(Description = "ProtobufMicroCodec")]
    [BenchmarkCategory("protobuf-encode-600B")]
    public int ProtobufEncode()
    {
        _output.ResetWrittenCount();
        _protobuf.Encode(_output, Messages.Large);
        return _output.WrittenCount;
    }

    [Benchmark(Baseline = true, Description = "Protobuf.ParseFrom")]
    [BenchmarkCategory("protobuf-decode-600B")]
    public Payload ProtobufDecodeBaseline() => Payload.Parser.ParseFrom(new ReadOnlySequence<byte>(_largeProtobuf));

    [Benchmark(Description = "ProtobufMicroCodec")]
    [BenchmarkCategory("protobuf-decode-600B")]
    public Payload ProtobufDecode() => _protobuf.Decode<Payload>(new ReadOnlySequence<byte>(_largeProtobuf));

    [Benchmark(Baseline = true, Description = "Protobuf.JsonFormatter")]
    [BenchmarkCategory("protojson-encode-600B")]
    public int ProtoJsonEncodeBaseline()
    {
        _output.ResetWrittenCount();
        Encoding.UTF8.GetBytes(ProtoFormatter.Format(Messages.Large), _output);
        return _output.WrittenCount;
    }

    [Benchmark(Description = "JsonMicroCodec")]
    [BenchmarkCategory("protojson-encode-600B")]
    public int ProtoJsonEncode()
    {
        _output.ResetWrittenCount();
        _json.Encode(_output, Messages.Large);
        return _output.WrittenCount;
    }

    [Benchmark(Baseline = true, Description = "Protobuf.JsonParser")]
    [BenchmarkCategory("protojson-decode-600B")]
    public Payload ProtoJsonDecodeBaseline() => ProtoParser.Parse<Payload>(Encoding.UTF8.GetString(_largeJson));

    [Benchmark(Description = "JsonMicroCodec")]
    [BenchmarkCategory("protojson-decode-600B")]
    public Payload ProtoJsonDecode() => _json.Decode<Payload>(new ReadOnlySequence<byte>(_largeJson));
}
