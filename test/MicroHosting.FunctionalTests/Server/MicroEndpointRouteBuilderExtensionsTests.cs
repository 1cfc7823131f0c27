using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Encodings.Web;
using MicroHosting.Registry;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MicroHosting.Tests.Server;

public sealed class MicroEndpointRouteBuilderExtensionsTests
{
    [Fact]
    public async Task MapMicroHandlers_Class_MapsEachPublicAsyncMethodWithInjectedDependencies()
    {
        var registry = new InMemoryRegistry();
        await using var app = await MicroTestHost.StartAsync(
            "greeter",
            a => a.MapMicroHandlers<GreeterHandler>("Greeter"),
            registry,
            configureBuilder: b => b.Services.AddSingleton(new Salutation("Howdy")));
        using var http = new HttpClient { BaseAddress = app.BaseAddress() };

        var hello = await (await http.PostAsJsonAsync("/Greeter/Hello", new { name = "Ann" })).Content.ReadFromJsonAsync<HelloReply>();
        var bye = await (await http.PostAsJsonAsync("/Greeter/Bye", new { name = "Ann" })).Content.ReadFromJsonAsync<HelloReply>();

        Assert.Equal("Howdy Ann", hello!.Message);
        Assert.Equal("Bye Ann from greeter", bye!.Message);
        var service = Assert.Single(await registry.GetServiceAsync("greeter"));
        Assert.Equal(["Greeter.Bye", "Greeter.Hello"], service.Endpoints.Select(e => e.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task MapMicroHandlers_DefaultName_IsTheClassName()
    {
        await using var app = await MicroTestHost.StartAsync("greeter", a => a.MapMicroHandlers<GreeterHandler>(),
            configureBuilder: b => b.Services.AddSingleton(new Salutation("Hi")));
        using var http = new HttpClient { BaseAddress = app.BaseAddress() };

        using var response = await http.PostAsJsonAsync("/GreeterHandler/Hello", new { name = "Bo" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task MapMicroHandler_InvalidSignature_ThrowsWithShapes()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => MicroTestHost.StartAsync("x", a =>
            a.MapMicroHandler("Bad.Call", (HelloRequest r, string extra) => new HelloReply(extra))));

        Assert.StartsWith("The handler for 'Bad.Call' has an unsupported signature. Use (TRequest request)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MapMicroHandler_NoResponse_Throws()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => MicroTestHost.StartAsync("x", a =>
            a.MapMicroHandler("Bad.Call", (HelloRequest r) => Task.CompletedTask)));

        Assert.Contains("returns no response", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Hello")]
    [InlineData("Greeter.Hello.Again")]
    [InlineData(".Hello")]
    [InlineData("Greeter/x.Hello")]
    public async Task MapMicroHandler_NameNotTypeDotMethod_Throws(string name)
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => MicroTestHost.StartAsync("x", a =>
            a.MapMicroHandler(name, (HelloRequest r) => new HelloReply(r.Name))));

        Assert.Equal($"Endpoint name '{name}' is not of the form Type.Method (for example Greeter.Hello): one dot, no '/', spaces or route characters.", ex.Message);
    }

    [Fact]
    public async Task MapMicroHandler_SameNameTwice_Throws()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => MicroTestHost.StartAsync("x", a =>
        {
            a.MapMicroHandler("Greeter.Hello", (HelloRequest r) => new HelloReply(r.Name));
            a.MapMicroHandler("Greeter.Hello", (HelloRequest r) => new HelloReply(r.Name));
        }));

        Assert.Equal("Endpoint 'Greeter.Hello' is mapped twice; each Type.Method can have one handler.", ex.Message);
    }

    [Fact]
    public async Task MapMicroHandler_EndpointFilter_SeesDecodedRequestAndCanReplaceReply()
    {
        await using var app = await MicroTestHost.StartAsync("greeter", a =>
            a.MapMicroHandler("Greeter.Hello", (HelloRequest r) => new HelloReply("Hello " + r.Name))
             .AddEndpointFilter(async (context, next) =>
             {
                 var request = context.GetArgument<HelloRequest>(0);
                 var micro = context.GetArgument<MicroContext>(1);
                 if (request.Name == "blocked")
                 {
                     throw MicroException.Forbidden(micro.Service, "blocked by wrapper");
                 }

                 var reply = (HelloReply)(await next(context))!;
                 return reply with { Message = reply.Message + " (wrapped)" };
             }));
        using var http = new HttpClient { BaseAddress = app.BaseAddress() };

        var ok = await (await http.PostAsJsonAsync("/Greeter/Hello", new { name = "Ann" })).Content.ReadFromJsonAsync<HelloReply>();
        using var blocked = await http.PostAsJsonAsync("/Greeter/Hello", new { name = "blocked" });

        Assert.Equal("Hello Ann (wrapped)", ok!.Message);
        Assert.Equal(HttpStatusCode.Forbidden, blocked.StatusCode);
        Assert.Equal("blocked by wrapper", MicroException.Parse(await blocked.Content.ReadAsStringAsync()).Detail);
    }

    [Fact]
    public async Task MapMicroHandler_RequireAuthorization_AppliesToNativeAndGoMicroRoutes()
    {
        await using var app = await MicroTestHost.StartAsync(
            "secure",
            a =>
            {
                a.UseAuthentication();
                a.UseAuthorization();
                a.MapMicroHandler("Secure.Hello", (HelloRequest r) => new HelloReply("secret for " + r.Name)).RequireAuthorization();
            },
            configureBuilder: b =>
            {
                b.Services.AddAuthentication("Test").AddScheme<AuthenticationSchemeOptions, HeaderAuthHandler>("Test", null);
                b.Services.AddAuthorization();
            });
        using var http = new HttpClient { BaseAddress = app.BaseAddress() };

        using var anonymous = await http.PostAsJsonAsync("/Secure/Hello", new { name = "x" });
        using var goMicroAnonymous = new HttpRequestMessage(HttpMethod.Post, "/") { Content = JsonContent.Create(new { name = "x" }) };
        goMicroAnonymous.Headers.Add("Micro-Endpoint", "Secure.Hello");
        using var goMicroResponse = await http.SendAsync(goMicroAnonymous);
        using var authorized = new HttpRequestMessage(HttpMethod.Post, "/Secure/Hello") { Content = JsonContent.Create(new { name = "x" }) };
        authorized.Headers.Add("X-User", "ann");
        using var authorizedResponse = await http.SendAsync(authorized);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, goMicroResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, authorizedResponse.StatusCode);
    }

    [Fact]
    public async Task DebugEndpoints_AnswerLikeGoMicro_AndAreNotRegistered()
    {
        var registry = new InMemoryRegistry();
        await using var app = await MicroTestHost.StartAsync("greeter", a => a.MapMicroHandler("Greeter.Hello", (HelloRequest r) => new HelloReply(r.Name)), registry);
        using var http = new HttpClient { BaseAddress = app.BaseAddress() };

        using var health = await http.PostAsync("/Debug/Health", JsonContent.Create(new { }));
        using var stats = await http.PostAsync("/Debug/Stats", JsonContent.Create(new { }));
        var statsJson = await stats.Content.ReadFromJsonAsync<Dictionary<string, string>>();

        Assert.Equal("{ \"status\": \"ok\" }", await health.Content.ReadAsStringAsync());
        Assert.True(long.Parse(statsJson!["started"], System.Globalization.CultureInfo.InvariantCulture) > 1_600_000_000);
        Assert.True(statsJson.ContainsKey("uptime") && statsJson.ContainsKey("memory") && statsJson.ContainsKey("threads") && statsJson.ContainsKey("gc"));
        var service = Assert.Single(await registry.GetServiceAsync("greeter"));
        Assert.Equal(["Greeter.Hello"], service.Endpoints.Select(e => e.Name));
    }

    public sealed record Salutation(string Word);

    public sealed class GreeterHandler(Salutation salutation)
    {
        public Task<HelloReply> Hello(HelloRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(new HelloReply($"{salutation.Word} {request.Name}"));

        public ValueTask<HelloReply> Bye(HelloRequest request, MicroContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new HelloReply($"Bye {request.Name} from {context.Service}"));

        public string NotAnEndpoint() => "ignored: not async";
    }

    private sealed class HeaderAuthHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!Request.Headers.TryGetValue("X-User", out var user))
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, user.ToString())], "Test");
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), "Test")));
        }
    }
}
