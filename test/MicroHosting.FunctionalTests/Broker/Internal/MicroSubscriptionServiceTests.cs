using MicroHosting.Broker;
using MicroHosting.Registry;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Tests.Broker.Internal;

public sealed class MicroSubscriptionServiceTests
{
    public sealed record Job(string Id);

    public sealed class JobSubscriber(MessageSink<string> sink) : IMicroSubscriber<Job>
    {
        public Task HandleAsync(Job message, MicroMessageContext context, CancellationToken cancellationToken)
        {
            sink.Add($"{message.Id}@{context.Topic}");
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Wrappers_GlobalThenPerSubscriber_RunAroundHandlerInOrder()
    {
        var broker = new InMemoryBroker();
        var trace = new MessageSink<string>();
        await using var app = await MicroTestHost.StartAsync(
            "jobs",
            _ => { },
            configure: m => m.UseBroker(broker).AddSubscriberWrapper(async (context, next) =>
            {
                trace.Add("global:" + ((Job)context.Message!).Id);
                await next(context);
            }),
            configureBuilder: b => b.Services
                .AddMicroSubscriber<Job>("jobs", (job, _) =>
                {
                    trace.Add("handler:" + job.Id);
                    return Task.CompletedTask;
                })
                .Use(async (context, next) =>
                {
                    trace.Add("local");
                    context.Message = new Job("replaced");
                    await next(context);
                }));

        await app.Services.GetRequiredService<IMicroPublisher>().PublishAsync("jobs", new Job("1"));

        Assert.Equal(["global:1", "local", "handler:replaced"], trace.Items);
    }

    [Fact]
    public async Task Wrapper_Throws_DeliveryFailsAndHandlerSkipped()
    {
        var broker = new InMemoryBroker();
        var handled = new MessageSink<string>();
        await using var app = await MicroTestHost.StartAsync(
            "jobs",
            _ => { },
            configure: m => m.UseBroker(broker).AddSubscriberWrapper((context, next) => ((Job)context.Message!).Id == "1"
                ? throw MicroException.Forbidden("jobs", "the wrapper refused job 1")
                : next(context)),
            configureBuilder: b => b.Services.AddMicroSubscriber<Job>("jobs", (job, _) =>
            {
                handled.Add(job.Id);
                return Task.CompletedTask;
            }));

        var publisher = app.Services.GetRequiredService<IMicroPublisher>();
        var error = await Assert.ThrowsAsync<MicroException>(() => publisher.PublishAsync("jobs", new Job("1")));
        await publisher.PublishAsync("jobs", new Job("2")); // the control: what the wrapper lets through reaches the handler

        Assert.Equal(500, error.Code); // the in-memory broker reports a failed delivery as 500, with the failure in the detail
        Assert.Contains("the wrapper refused job 1", error.Detail, StringComparison.Ordinal);
        Assert.Equal(["2"], await handled.WaitForAsync(1));
    }

    [Fact]
    public async Task ClassSubscriberAndMappedSubscriber_BothReceiveAndAreDescribed()
    {
        var broker = new InMemoryBroker();
        var sink = new MessageSink<string>();
        using var registry = new InMemoryRegistry();
        await using var app = await MicroTestHost.StartAsync(
            "jobs",
            a => a.MapMicroSubscriber<Job>("jobs", (job, context, _) =>
            {
                sink.Add($"mapped:{job.Id}@{context.Queue}");
                return Task.CompletedTask;
            }, queue: "workers"),
            registry,
            configure: m => m.UseBroker(broker),
            configureBuilder: b => b.Services.AddSingleton(sink).AddMicroSubscriber<Job, JobSubscriber>("jobs"));

        await app.Services.GetRequiredService<IMicroPublisher>().PublishAsync("jobs", new Job("7"));

        Assert.Equal(["7@jobs", "mapped:7@workers"], sink.Items.Order());
        var endpoints = (await registry.GetServiceAsync("jobs")).Single().Endpoints;
        Assert.Contains(endpoints, e => e.Name == "JobSubscriber.Handle" && e.Metadata["subscriber"] == "true");
        Assert.Contains(endpoints, e => e.Name == "Func.jobs.workers" && e.Metadata["topic"] == "jobs");
    }

    [Fact]
    public async Task Stop_HandlerInFlight_WaitsForItToFinish()
    {
        using var registry = new InMemoryRegistry();
        var started = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        Task? stopping = null;
        var finishedBeforeStopCompleted = false;
        var app = await BrokerTestHosts.StartAsync("slow", registry, s => s.AddMicroSubscriber<Job>("jobs", async (_, _) =>
        {
            started.SetResult();
            await release.Task;
            finishedBeforeStopCompleted = stopping is { IsCompleted: false };
        }));
        await using var publisher = await BrokerTestHosts.StartAsync("shop", registry);

        await publisher.Publisher().PublishAsync("jobs", new Job("1"));
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        stopping = app.StopAsync();
        await Task.Delay(300);
        release.SetResult();
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));
        await app.DisposeAsync();

        Assert.True(finishedBeforeStopCompleted);
        Assert.Empty(await registry.GetServiceAsync("topic:jobs"));
    }

    [Fact]
    public async Task MapMicroSubscriber_AfterStart_Throws()
    {
        await using var app = await MicroTestHost.StartAsync("late", _ => { });

        var error = Assert.Throws<InvalidOperationException>(() => app.MapMicroSubscriber<Job>("jobs", (_, _, _) => Task.CompletedTask));

        Assert.Equal("The subscriber to 'jobs' was mapped after the app started; call MapMicroSubscriber before app.Run()/app.StartAsync().", error.Message);
    }
}
