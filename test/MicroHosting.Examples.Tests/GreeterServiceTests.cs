using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Google.Protobuf;
using Greeter.Contracts;
using MicroHosting.TestUtilities;

namespace MicroHosting.Examples.Tests;

/// <summary>examples/Greeter.Service as its users run it: a separate process configured by Go Micro's variables.</summary>
public sealed class GreeterServiceTests
{
    [Fact]
    public async Task GreeterService_ServerAddressAndRegistryFromEnvironment_ServesBothRoutes()
    {
        var port = ExternalServer.FreeTcpPort();
        await using var service = ChildProcess.StartProject("examples/Greeter.Service", environment: new Dictionary<string, string?>
        {
            ["MICRO_SERVER_ADDRESS"] = $"127.0.0.1:{port}",
            ["MICRO_REGISTRY"] = "memory",
        });
        await service.WaitForAsync(@"Registered greeter node greeter-\S+ at 127\.0\.0\.1:" + port, ChildProcess.Generous);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        var reply = await (await http.PostAsJsonAsync("/Greeter/Hello", new { name = "John" })).Content.ReadFromJsonAsync<Dictionary<string, string>>();
        using var goMicro = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new ByteArrayContent(new HelloRequest { Name = "Go" }.ToByteArray()) };
        goMicro.Content.Headers.ContentType = new MediaTypeHeaderValue("application/protobuf");
        goMicro.Headers.Add("Micro-Endpoint", "Greeter.Hello");
        using var goMicroResponse = await http.SendAsync(goMicro);
        using var bad = await http.PostAsJsonAsync("/Greeter/Hello", new { name = "" });

        Assert.Equal("Hello John", reply!["message"]);
        Assert.Equal("Hello Go", HelloReply.Parser.ParseFrom(await goMicroResponse.Content.ReadAsByteArrayAsync()).Message);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("name is required", MicroException.Parse(await bad.Content.ReadAsStringAsync()).Detail);

        await service.StopAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(0, service.ExitCode);
        await service.WaitForAsync("Deregistered greeter node", TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task GreeterService_InvalidAddress_FailsAtStartSayingWhatToFix()
    {
        await using var service = ChildProcess.StartProject("examples/Greeter.Service", environment: new Dictionary<string, string?>
        {
            ["MICRO_SERVER_ADDRESS"] = "not-an-address",
            ["MICRO_REGISTRY"] = "memory",
        });

        Assert.NotEqual(0, await service.WaitForExitAsync(ChildProcess.Generous));
        Assert.Contains("The server address 'not-an-address' (Micro:Address / MICRO_SERVER_ADDRESS) is not host:port", service.Output, StringComparison.Ordinal);
    }
}
