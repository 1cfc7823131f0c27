using System.Buffers;
using System.Text;
using System.Text.Json;
using MicroHosting.Codecs;
using MicroHosting.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Tests.Codecs;

public sealed class AddCodecTests
{
    private static readonly JsonSerializerOptions SnakeCase = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/grpc+json")]
    [InlineData("application/json-rpc")]
    public void AddCodec_JsonWithOptions_EveryJsonContentTypeUsesThem(string contentType)
    {
        var codecs = Registry(builder => builder.AddCodec(new JsonMicroCodec(SnakeCase)));

        Assert.True(codecs.TryGetCodec(contentType, out var codec));
        Assert.Contains("\"user_name\":\"ada\"", Encode(codec, new Account("ada")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/grpc+json")]
    [InlineData("application/json-rpc")]
    public void AddMicro_NoCodecAdded_JsonContentTypesUseWebDefaults(string contentType)
    {
        var codecs = Registry(_ => { });

        Assert.True(codecs.TryGetCodec(contentType, out var codec));
        Assert.Contains("\"userName\":\"ada\"", Encode(codec, new Account("ada")), StringComparison.Ordinal);
    }

    [Fact]
    public void AddCodec_NotJson_LeavesTheJsonWireCodecsAlone()
    {
        var codecs = Registry(builder => builder.AddCodec(new BytesMicroCodec()));

        Assert.True(codecs.TryGetCodec("application/grpc+json", out var codec));
        Assert.Contains("\"userName\":\"ada\"", Encode(codec, new Account("ada")), StringComparison.Ordinal);
    }

    private static MicroCodecRegistry Registry(Action<IMicroBuilder> configure)
    {
        var services = new ServiceCollection();
        configure(services.AddMicroCore());
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<MicroCodecRegistry>();
    }

    private static string Encode(MicroCodec codec, Account value)
    {
        var output = new ArrayBufferWriter<byte>();
        codec.Encode(output, value);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    public sealed record Account(string UserName);
}
