using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;
using BenchmarkDotNet.Attributes;
using MicroHosting.Broker;
using MicroHosting.Broker.Nats.Internal;
using MicroHosting.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NATS.Client.Core;

namespace MicroHosting.Benchmarks.Micro;

/// <summary>
/// A publish that waited for NATS.Net's write lock (most of them with 16 publishers): from NATS.Net completing its
/// pending publish to the caller's await resuming, through what the broker puts in between. The stand-in for NATS.Net's
/// publish is a pooled <see cref="IValueTaskSource"/> completed on the benchmark's thread, as NATS.Net's is on the thread
/// that released its lock. Public and unsealed for BenchmarkDotNet.
/// </summary>
[MemoryDiagnoser]
public class NatsPendingPublishBenchmarks : IDisposable
{
    private const string Topic = "bench.orders";
    private readonly PendingPublish _publish = new();
    private ServiceProvider? _services;
    private NatsBroker? _broker;
    private MicroMetrics? _metrics;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddMicroCore().AddNatsBroker(o => o.Url = "nats://127.0.0.1:1");
        _services = services.BuildServiceProvider();
        _broker = (NatsBroker)_services.GetRequiredKeyedService<IBroker>("nats");
        _metrics = _services.GetRequiredService<MicroMetrics>();
    }

    [Benchmark(Baseline = true, Description = "NATS.Net's pending publish to the caller (no count, no 503)")]
    public void Direct() => Resume(_publish.Start());

    [Benchmark(Description = "broker before: pooled async method awaiting it")]
    public void AsyncMethod() => Resume(AwaitPublishAsync(_publish.Start()));

    [Benchmark(Description = "broker after: NatsPendingPublish forwarding to it")]
    public void Forwarded() => Resume(NatsPendingPublish.Start(_broker!, _publish.Start(), Topic));

    public void Dispose()
    {
        _services?.Dispose();
        GC.SuppressFinalize(this);
    }

    private void Resume(ValueTask publish)
    {
        var caller = CallerAsync(publish);
        _publish.Complete();
        caller.GetAwaiter().GetResult();
    }

    /// <summary>The publishing loop's await (pooled, so that the caller's own box is not measured).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask CallerAsync(ValueTask publish) => await publish.ConfigureAwait(false);

    /// <summary>What <c>NatsBroker</c> did before: await NATS.Net's publish, then count it or map the outage.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AwaitPublishAsync(ValueTask publish)
    {
        try
        {
            await publish.ConfigureAwait(false);
        }
        catch (NatsException ex) when (_broker!.State != NatsConnectionState.Open)
        {
            throw new MicroException("go.micro.broker", 503, "not sent", innerException: ex);
        }

        _metrics!.Published("nats", Topic);
    }

    private sealed class PendingPublish : IValueTaskSource
    {
        private ManualResetValueTaskSourceCore<bool> _core;

        public ValueTask Start()
        {
            _core.Reset();
            return new ValueTask(this, _core.Version);
        }

        public void Complete() => _core.SetResult(true);

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
            => _core.OnCompleted(continuation, state, token, flags);

        public void GetResult(short token) => _core.GetResult(token);
    }
}
