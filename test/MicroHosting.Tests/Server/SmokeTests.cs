using System.Net;
using System.Net.Http.Json;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;

namespace MicroHosting.Tests.Server;

public sealed class SmokeTests
{
    private sealed record HelloRequest(string Name);

    private sealed record HelloReply(string Message);

    [Fact]
    public async Task NativeRoute_Json_ReturnsReply()
    {
        await using var app = await MicroTestHost.StartAsync("greeter", a =>
            a.MapMicroHandler("Greeter.Hello", (HelloRequest r) => new HelloReply("Hello " + r.Name)));
        using var http = new HttpClient { BaseAddress = app.BaseAddress() };
        using var response = await http.PostAsJsonAsync("/Greeter/Hello", new HelloRequest("John"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"message\":\"Hello John\"}", await response.Content.ReadAsStringAsync());
    }
}
