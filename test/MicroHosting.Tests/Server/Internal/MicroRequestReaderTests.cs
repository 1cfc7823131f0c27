using System.Text;
using MicroHosting.Codecs;
using MicroHosting.Server.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace MicroHosting.Tests.Server.Internal;

public sealed class MicroRequestReaderTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void TryGetDeadline_NoHeader_NoDeadline()
    {
        Assert.True(Reader().TryGetDeadline(new DefaultHttpContext().Request, out var deadline, out _));
        Assert.Null(deadline);
    }

    [Fact]
    public void TryGetDeadline_Nanoseconds_DeadlineFromTheClock()
    {
        var request = new DefaultHttpContext().Request;
        request.Headers["Timeout"] = "5000000000";

        Assert.True(Reader().TryGetDeadline(request, out var deadline, out _));
        Assert.Equal(_time.GetUtcNow().AddSeconds(5), deadline);
    }

    [Fact]
    public void TryGetDeadline_LongerThanADay_Clamped()
    {
        var request = new DefaultHttpContext().Request;
        request.Headers["Timeout"] = ulong.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.True(Reader().TryGetDeadline(request, out var deadline, out _));
        Assert.Equal(_time.GetUtcNow() + MicroRequestReader.MaxTimeout, deadline);
    }

    [Theory]
    [InlineData("5s", 400)]
    [InlineData("0", 408)]
    [InlineData("99", 408)]
    public void TryGetDeadline_NotABudget_Error(string header, int code)
    {
        var request = new DefaultHttpContext().Request;
        request.Headers["Timeout"] = header;

        Assert.False(Reader().TryGetDeadline(request, out _, out var error));
        Assert.Equal(code, error.Code);
        Assert.Equal("svc", error.Id);
    }

    [Fact]
    public async Task ReadAsync_Body_Decoded()
    {
        var context = WithBody("{\"name\":\"Ann\"}");

        var request = await Reader().ReadAsync<HelloRequest>(context, MicroWire.Native, new JsonMicroCodec(), CancellationToken.None);

        Assert.Equal("Ann", request.Name);
    }

    [Fact]
    public async Task ReadAsync_BodyPastTheLimit_413()
    {
        var context = WithBody(new string('x', 20));
        context.Request.ContentLength = null;

        var ex = await Assert.ThrowsAsync<MicroException>(() => Reader(maxBody: 10).ReadAsync<HelloRequest>(context, MicroWire.Native, new JsonMicroCodec(), CancellationToken.None).AsTask());

        Assert.Equal(413, ex.Code);
        Assert.Equal("request body of 20 bytes exceeds the limit of 10 bytes (MicroOptions.MaxRequestBodySize)", ex.Detail);
    }

    [Fact]
    public async Task ReadAsync_DeclaredLengthPastTheLimit_413BeforeReading()
    {
        var context = WithBody("{}");
        context.Request.ContentLength = 11;

        var ex = await Assert.ThrowsAsync<MicroException>(() => Reader(maxBody: 10).ReadAsync<HelloRequest>(context, MicroWire.Native, new JsonMicroCodec(), CancellationToken.None).AsTask());

        Assert.Equal(413, ex.Code);
    }

    [Fact]
    public async Task ReadAsync_BodyTheCodecCannotRead_400()
    {
        var context = WithBody("{not json");

        var ex = await Assert.ThrowsAsync<MicroException>(() => Reader().ReadAsync<HelloRequest>(context, MicroWire.Native, new JsonMicroCodec(), CancellationToken.None).AsTask());

        Assert.Equal(400, ex.Code);
    }

    private static DefaultHttpContext WithBody(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentLength = bytes.Length;
        return context;
    }

    private MicroRequestReader Reader(long maxBody = 1024) => new("svc", maxBody, _time);
}
