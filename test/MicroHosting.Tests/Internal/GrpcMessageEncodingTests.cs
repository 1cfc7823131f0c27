using MicroHosting.Internal;

namespace MicroHosting.Tests.Internal;

public sealed class GrpcMessageEncodingTests
{
    [Theory]
    [InlineData("{\"id\":\"greeter\",\"code\":400,\"detail\":\"name is required\",\"status\":\"Bad Request\"}", "{\"id\":\"greeter\",\"code\":400,\"detail\":\"name is required\",\"status\":\"Bad Request\"}")]
    [InlineData("50% off", "50%25 off")]
    [InlineData("line\nbreak", "line%0Abreak")]
    [InlineData("café", "caf%C3%A9")]
    public void Encode_PercentEncodesAllButPrintableAscii(string message, string expected)
    {
        Assert.Equal(expected, GrpcMessageEncoding.Encode(message));
        Assert.Equal(message, GrpcMessageEncoding.Decode(expected));
    }

    [Theory]
    [InlineData("100%", "100%")]
    [InlineData("%zz", "%zz")]
    [InlineData("%4", "%4")]
    public void Decode_MalformedEscape_KeptAsIs(string value, string expected)
        => Assert.Equal(expected, GrpcMessageEncoding.Decode(value));
}
