using System.Text;
using System.Text.Json;
using MicroHosting.Codecs;
using MicroHosting.Server.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace MicroHosting.Tests.Server.Internal;

public sealed class MicroReplyWriterTests
{
    private readonly FakeLogger _logger = new();

    [Fact]
    public async Task WriteErrorAsync_Native_StatusCodeAndErrorJsonBody()
    {
        var context = Context();

        await Writer().WriteErrorAsync(context, MicroException.NotFound("svc", "unknown endpoint A.B"), MicroWire.Native);

        Assert.Equal(404, context.Response.StatusCode);
        Assert.Equal(MicroContentTypes.Json, context.Response.ContentType);
        using var json = JsonDocument.Parse(Body(context));
        Assert.Equal("unknown endpoint A.B", json.RootElement.GetProperty("detail").GetString());
        Assert.Equal(404, json.RootElement.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task WriteErrorAsync_GoMicro_200WithTheErrorInHeadersAndTheIdEchoed()
    {
        var context = Context();
        context.Request.Headers["Micro-Id"] = "42";

        await Writer().WriteErrorAsync(context, MicroException.NotFound("svc", "unknown endpoint A.B"), MicroWire.GoMicro);

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal(0, context.Response.ContentLength);
        Assert.Contains("unknown endpoint A.B", context.Response.Headers["Micro-Error"].ToString(), StringComparison.Ordinal);
        Assert.Equal(context.Response.Headers["Micro-Error"], context.Response.Headers["X-Micro-Error"]);
        Assert.Equal("42", context.Response.Headers["Micro-Id"]);
        Assert.Equal("42", context.Response.Headers["X-Micro-Id"]);
    }

    [Fact]
    public async Task WriteErrorAsync_GoMicroLegacyJsonRpc_ErrorAlsoInTheBody()
    {
        var context = Context();
        context.Request.ContentType = JsonRpcMicroCodec.MediaType;

        await Writer().WriteErrorAsync(context, MicroException.NotFound("svc", "gone"), MicroWire.GoMicro);

        Assert.Equal(JsonRpcMicroCodec.MediaType, context.Response.ContentType);
        Assert.Contains("gone", Body(context), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteResponseAsync_GoMicro_EncodedWithTheCodecAndTheIdEchoed()
    {
        var context = Context();
        context.Request.Headers["X-Micro-Id"] = "7";

        await Writer().WriteResponseAsync(context, new JsonMicroCodec(), new HelloReply("hi"), MicroWire.GoMicro);

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal("{\"message\":\"hi\"}", Body(context));
        Assert.Equal("7", context.Response.Headers["Micro-Id"]);
    }

    [Fact]
    public void ToError_CancelledPastTheDeadline_408()
    {
        var error = Writer().ToError(Context(), new OperationCanceledException(), "A.B", deadlinePassed: true);

        Assert.Equal(408, error!.Code);
    }

    [Fact]
    public void ToError_CancelledBecauseTheCallerLeft_Null()
    {
        var context = Context();
        using var aborted = new CancellationTokenSource();
        aborted.Cancel();
        context.RequestAborted = aborted.Token;

        Assert.Null(Writer().ToError(context, new OperationCanceledException(), "A.B", deadlinePassed: false));
    }

    [Fact]
    public void ToError_UnexpectedException_500WithoutInternalsAndLogged()
    {
        var error = Writer().ToError(Context(), new InvalidOperationException("secret"), "A.B", deadlinePassed: false);

        Assert.Equal(500, error!.Code);
        Assert.Equal("A.B failed: internal server error", error.Detail);
        var record = Assert.Single(_logger.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Error, record.Level);
        Assert.Equal("HandlerFailed", record.Id.Name);
    }

    [Fact]
    public void ToError_MicroException_PassedThrough()
    {
        var thrown = MicroException.Forbidden("svc", "no");

        Assert.Same(thrown, Writer().ToError(Context(), thrown, "A.B", deadlinePassed: false));
    }

    private static DefaultHttpContext Context()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static string Body(HttpContext context) => Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());

    private MicroReplyWriter Writer() => new("svc", _logger);
}
