namespace MicroHosting.Tests;

public sealed class MicroExceptionTests
{
    [Theory]
    [InlineData(400, "Bad Request")]
    [InlineData(401, "Unauthorized")]
    [InlineData(403, "Forbidden")]
    [InlineData(404, "Not Found")]
    [InlineData(405, "Method Not Allowed")]
    [InlineData(408, "Request Timeout")]
    [InlineData(409, "Conflict")]
    [InlineData(500, "Internal Server Error")]
    public void Helpers_SetCodeAndReasonPhrase(int code, string status)
    {
        var error = code switch
        {
            400 => MicroException.BadRequest("svc", "d"),
            401 => MicroException.Unauthorized("svc", "d"),
            403 => MicroException.Forbidden("svc", "d"),
            404 => MicroException.NotFound("svc", "d"),
            405 => MicroException.MethodNotAllowed("svc", "d"),
            408 => MicroException.Timeout("svc", "d"),
            409 => MicroException.Conflict("svc", "d"),
            _ => MicroException.InternalServerError("svc", "d"),
        };

        Assert.Equal((code, status, "svc", "d"), (error.Code, error.Status, error.Id, error.Detail));
        Assert.Equal($"{{\"id\":\"svc\",\"code\":{code},\"detail\":\"d\",\"status\":\"{status}\"}}", error.ToJson());
    }

    [Fact]
    public void Parse_GoMicroErrorJson_ReadsAllFields()
    {
        var error = MicroException.Parse("{\"id\":\"go.micro.client\",\"code\":408,\"detail\":\"call timeout\",\"status\":\"Request Timeout\"}");

        Assert.Equal(("go.micro.client", 408, "call timeout", "Request Timeout"), (error.Id, error.Code, error.Detail, error.Status));
    }

    [Fact]
    public void Parse_PlainText_BecomesDetailWithCodeZero()
    {
        var error = MicroException.Parse("rpc: can't find method Nope");

        Assert.Equal((0, "rpc: can't find method Nope"), (error.Code, error.Detail));
    }

    [Theory]
    [InlineData("context deadline exceeded")]
    [InlineData("context deadline exceeded\n")]
    [InlineData("rpc error: code = DeadlineExceeded desc = context deadline exceeded")]
    public void Parse_GoDeadlineText_IsTimeout408(string text)
    {
        var error = MicroException.Parse(text.Replace("\\n", "\n", StringComparison.Ordinal));

        Assert.Equal((408, "Request Timeout"), (error.Code, error.Status));
        Assert.EndsWith("context deadline exceeded", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ToJson_NonAsciiAndControlCharacters_AreEscapedSoTheHeaderIsValid()
    {
        var json = new MicroException("svc", 400, "naïve \"quote\"\nline\u0001").ToJson();

        Assert.All(json, c => Assert.InRange(c, ' ', '~'));
        Assert.Equal("naïve \"quote\"\nline\u0001", MicroException.Parse(json).Detail);
    }
}
