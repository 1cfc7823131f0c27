using System.Diagnostics;
using System.Net.Http.Json;
using MicroHosting.Diagnostics;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using System.Diagnostics.Metrics;

namespace MicroHosting.Tests.Diagnostics;

public sealed class MicroTelemetryTests
{
    [Fact]
    public async Task ServerCall_RecordsSpanAndDurationWithStatus()
    {
        var service = "telemetry-" + Guid.NewGuid().ToString("N");
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == MicroTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if ((string?)a.GetTagItem("micro.service") == service)
                {
                    lock (spans)
                    {
                        spans.Add(a);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var app = await MicroTestHost.StartAsync(service, a => a.MapMicroHandler("Greeter.Hello", (HelloRequest r) =>
            r.Name == "bad" ? throw MicroException.BadRequest("x", "bad name") : new HelloReply("Hello " + r.Name)));
        using var durations = new MetricCollector<double>(app.Services.GetRequiredService<IMeterFactory>(), MicroTelemetry.Name, "rpc.server.call.duration");
        using var http = new HttpClient { BaseAddress = app.BaseAddress() };

        const string traceId = "0af7651916cd43dd8448eb211c80319c";
        foreach (var name in new[] { "a", "bad" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/Greeter/Hello") { Content = JsonContent.Create(new { name }) };
            request.Headers.Add("traceparent", $"00-{traceId}-b7ad6b7169203331-01");
            (await http.SendAsync(request)).Dispose();
        }

        // The duration is recorded after the reply is written, so the client can see the reply first.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        List<Microsoft.Extensions.Diagnostics.Metrics.Testing.CollectedMeasurement<double>> mine;
        while ((mine = durations.GetMeasurementSnapshot().Where(m => (string?)m.Tags["micro.service"] == service).ToList()).Count < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        while (spans.Count < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal([200, 400], mine.Select(m => (int)m.Tags["rpc.response.status_code"]!).Order());
        Assert.All(mine, m => Assert.Equal(("go_micro", "Greeter", "Hello"), ((string)m.Tags["rpc.system"]!, (string)m.Tags["rpc.service"]!, (string)m.Tags["rpc.method"]!)));
        lock (spans)
        {
            Assert.Equal(2, spans.Count);
            Assert.All(spans, s => Assert.Equal(("Greeter/Hello", ActivityKind.Server), (s.DisplayName, s.Kind)));
            Assert.All(spans, s => Assert.Equal(traceId, s.TraceId.ToHexString())); // the caller's W3C trace continues here
        }
    }
}
