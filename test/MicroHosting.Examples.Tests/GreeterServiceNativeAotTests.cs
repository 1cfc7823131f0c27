using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Google.Protobuf;
using Greeter.Contracts;
using MicroHosting.TestUtilities;
using Xunit.Abstractions;

namespace MicroHosting.Examples.Tests;

/// <summary>
/// examples/Greeter.Service published as a Native AOT executable (its project sets PublishAot), started, called and stopped:
/// the core, the etcd plug-in and the handler mapping run without a JIT. The publish builds everything again in its own
/// artifacts folder, so it cannot race the builds of tests running beside it; it takes minutes on 2 cores.
/// </summary>
public sealed class GreeterServiceNativeAotTests(ITestOutputHelper output)
{
    [NativeAotFact]
    public async Task GreeterService_PublishedNativeAot_RegistersServesBothRoutesAndStops()
    {
        var folder = Directory.CreateTempSubdirectory("microhosting-aot-");
        try
        {
            var app = Path.Combine(folder.FullName, "app");
            var watch = Stopwatch.StartNew();
            await using (var publish = ChildProcess.Start(
                "dotnet",
                ["publish", "examples/Greeter.Service", "-c", "Release", "-r", "linux-x64", "--artifacts-path", Path.Combine(folder.FullName, "artifacts"), "-o", app],
                workingDirectory: RepositoryPaths.Root))
            {
                // Under CI's 15-minute hang limit, so a publish starved by a loaded machine fails here with its output.
                var exitCode = await publish.WaitForExitAsync(TimeSpan.FromMinutes(12));
                output.WriteLine($"Native AOT publish of examples/Greeter.Service: {watch.Elapsed.TotalSeconds:F0} s");
                Assert.True(exitCode == 0, publish.Output);

                // Zero trimming and AOT warnings: a reflection use the native build cannot keep would show here.
                Assert.DoesNotContain("warning IL", publish.Output, StringComparison.Ordinal);
            }

            var executable = Path.Combine(app, "Greeter.Service");
            Assert.True(File.Exists(executable), $"No native executable at {executable}");
            Assert.False(File.Exists(Path.Combine(app, "Greeter.Service.dll")), "The publish produced a managed dll: PublishAot did not apply.");

            var port = ExternalServer.FreeTcpPort();
            await using var service = ChildProcess.Start(executable, [], new Dictionary<string, string?>
            {
                ["MICRO_SERVER_ADDRESS"] = $"127.0.0.1:{port}",

                // The default registry, mDNS, pinned to lo by the example's settings and by ChildProcess.
                ["Logging__LogLevel__MicroHosting"] = "Information",
            });
            await service.WaitForAsync(@"Registered greeter node greeter-\S+ at 127\.0\.0\.1:" + port, ChildProcess.Generous);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

            var reply = await (await http.PostAsJsonAsync("/Greeter/Hello", new { name = "John" })).Content.ReadFromJsonAsync<Dictionary<string, string>>();
            using var goMicro = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new ByteArrayContent(new HelloRequest { Name = "Go" }.ToByteArray()) };
            goMicro.Content.Headers.ContentType = new MediaTypeHeaderValue("application/protobuf");
            goMicro.Headers.Add("Micro-Endpoint", "Greeter.Hello");
            using var goMicroResponse = await http.SendAsync(goMicro);
            using var bad = await http.PostAsJsonAsync("/Greeter/Hello", new { name = "" });
            var health = await (await http.PostAsJsonAsync("/Debug/Health", new { })).Content.ReadFromJsonAsync<Dictionary<string, string>>();

            Assert.Equal("Hello John", reply!["message"]);
            Assert.Equal("Hello Go", HelloReply.Parser.ParseFrom(await goMicroResponse.Content.ReadAsByteArrayAsync()).Message);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal("name is required", MicroException.Parse(await bad.Content.ReadAsStringAsync()).Detail);
            Assert.Equal("ok", health!["status"]);

            await service.StopAsync(TimeSpan.FromSeconds(15));
            Assert.Equal(0, service.ExitCode);
            await service.WaitForAsync("Deregistered greeter node", TimeSpan.FromSeconds(1));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
