using MicroHosting.Internal;

namespace MicroHosting.Tests.Internal;

public sealed class GrpcStatusMapTests
{
    [Theory]
    [InlineData(200, 0)]
    [InlineData(400, 3)]
    [InlineData(401, 16)]
    [InlineData(403, 7)]
    [InlineData(404, 5)]
    [InlineData(408, 4)]
    [InlineData(409, 6)]
    [InlineData(412, 9)]
    [InlineData(413, 8)]
    [InlineData(429, 8)]
    [InlineData(499, 1)]
    [InlineData(500, 13)]
    [InlineData(501, 12)]
    [InlineData(503, 14)]
    [InlineData(504, 4)]
    [InlineData(418, 2)]
    [InlineData(0, 2)]
    public void FromMicroCode_GoMicroV2ServerTable_GrpcStatus(int code, int status)
        => Assert.Equal(status, GrpcStatusMap.FromMicroCode(code));

    [Theory]
    [InlineData(0, 200)]
    [InlineData(1, 499)]
    [InlineData(3, 400)]
    [InlineData(4, 408)]
    [InlineData(5, 404)]
    [InlineData(6, 409)]
    [InlineData(7, 403)]
    [InlineData(8, 429)]
    [InlineData(9, 412)]
    [InlineData(12, 501)]
    [InlineData(13, 500)]
    [InlineData(14, 503)]
    [InlineData(16, 401)]
    [InlineData(2, 500)]
    [InlineData(10, 500)]
    [InlineData(11, 500)]
    [InlineData(15, 500)]
    [InlineData(99, 500)]
    public void ToMicroCode_StatusWithoutErrorJson_GoMicroCode(int status, int code)
        => Assert.Equal(code, GrpcStatusMap.ToMicroCode(status));

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(408)]
    [InlineData(409)]
    [InlineData(412)]
    [InlineData(500)]
    [InlineData(501)]
    [InlineData(503)]
    public void RoundTrip_GoMicroConstructorCodes_Preserved(int code)
        => Assert.Equal(code, GrpcStatusMap.ToMicroCode(GrpcStatusMap.FromMicroCode(code)));
}
