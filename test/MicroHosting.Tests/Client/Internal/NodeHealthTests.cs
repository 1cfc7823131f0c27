using MicroHosting.Client;
using MicroHosting.Client.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MicroHosting.Tests.Client.Internal;

public sealed class NodeHealthTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void TransportFailed_Once_EjectsForTheCoolDownOnly()
    {
        var health = Create(new MicroClientOptions { EjectionDuration = TimeSpan.FromSeconds(30) });
        var node = health.Get("127.0.0.1:1");

        health.TransportFailed(node, new HttpRequestException("refused"));
        var ejected = health.IsEjected(node);
        _time.Advance(TimeSpan.FromSeconds(29));
        var stillEjected = health.IsEjected(node);
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.True(ejected);
        Assert.True(stillEjected);
        Assert.False(health.IsEjected(node));
    }

    [Fact]
    public void ServerFailed_ThresholdInARow_Ejects_ASuccessInBetweenResets()
    {
        var health = Create(new MicroClientOptions { EjectionThreshold = 3 });
        var node = health.Get("127.0.0.1:1");

        health.ServerFailed(node, 500);
        health.ServerFailed(node, 500);
        health.Succeeded(node);
        health.ServerFailed(node, 500);
        health.ServerFailed(node, 503);
        var afterTwo = health.IsEjected(node);
        health.ServerFailed(node, 500);

        Assert.False(afterTwo);
        Assert.True(health.IsEjected(node));
    }

    [Fact]
    public void Restore_EjectedNode_IsUsableAtOnce()
    {
        var health = Create(new MicroClientOptions());
        var node = health.Get("127.0.0.1:1");
        health.TransportFailed(node, new HttpRequestException("refused"));
        var ejected = health.IsEjected(node);

        health.Restore("127.0.0.1:1");

        Assert.True(ejected); // the control: it was ejected before the restore
        Assert.False(health.IsEjected(node));
        Assert.Same(node, health.Get("127.0.0.1:1"));
    }

    [Fact]
    public void TransportFailed_EjectionDurationZero_NeverEjects()
    {
        var health = Create(new MicroClientOptions { EjectionDuration = TimeSpan.Zero });
        var control = Create(new MicroClientOptions());
        var node = health.Get("127.0.0.1:1");
        var controlNode = control.Get("127.0.0.1:1");

        health.TransportFailed(node, new HttpRequestException("refused"));
        control.TransportFailed(controlNode, new HttpRequestException("refused"));

        Assert.False(health.IsEjected(node));
        Assert.True(control.IsEjected(controlNode)); // the same failure ejects with the default duration
    }

    [Fact]
    public async Task TransportFailed_ManyCallsAtOnce_LogsOneEjection()
    {
        var logger = new Microsoft.Extensions.Logging.Testing.FakeLogger<NodeHealth>();
        var health = new NodeHealth(_time, Options.Create(new MicroClientOptions()), logger);
        var node = health.Get("127.0.0.1:1");

        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => health.TransportFailed(node, new HttpRequestException("refused")))));

        Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Name == "NodeEjected");
        Assert.True(health.IsEjected(node));
    }

    [Fact]
    public void TimedOut_ThresholdInARow_Ejects()
    {
        var health = Create(new MicroClientOptions { EjectionThreshold = 2 });
        var node = health.Get("127.0.0.1:1");

        health.TimedOut(node, TimeSpan.FromSeconds(1).Ticks);
        var afterOne = health.IsEjected(node);
        health.TimedOut(node, TimeSpan.FromSeconds(1).Ticks);

        Assert.False(afterOne);
        Assert.True(health.IsEjected(node));
    }

    [Fact]
    public void CoolDownOver_OneProbeAtATime_FailedProbeEjectsLongerAndAGoodOneCloses()
    {
        var health = Create(new MicroClientOptions { EjectionDuration = TimeSpan.FromSeconds(10) });
        var node = health.Get("127.0.0.1:1");
        health.TransportFailed(node, new HttpRequestException("refused"));
        _time.Advance(TimeSpan.FromSeconds(11));

        var halfOpen = (health.IsEjected(node), NodeHealth.IsHalfOpen(node));
        var probes = (node.TryStartProbe(), node.TryStartProbe());
        health.ServerFailed(node, 500); // the probe fails: ejected again at once, for twice as long
        _time.Advance(TimeSpan.FromSeconds(11));
        var stillEjected = health.IsEjected(node);
        _time.Advance(TimeSpan.FromSeconds(10));
        var secondProbe = node.TryStartProbe();
        health.Succeeded(node, TimeSpan.FromMilliseconds(1).Ticks, peers: null);
        node.EndProbe();

        Assert.Equal((false, true), halfOpen);
        Assert.Equal((true, false), probes);
        Assert.True(stillEjected);
        Assert.True(secondProbe);
        Assert.False(NodeHealth.IsHalfOpen(node));
        Assert.Equal(0, node.Ejections);
    }

    [Fact]
    public void Succeeded_FiveTimesSlowerThanTheFastestPeer_CountsTowardEjection()
    {
        var health = Create(new MicroClientOptions { EjectionThreshold = 2, SlowNodeMinLatency = TimeSpan.FromMilliseconds(50) });
        var fast = health.Get("127.0.0.1:1");
        var slow = health.Get("127.0.0.1:2");
        var peers = new[] { Candidate(fast), Candidate(slow) };
        for (var i = 0; i < 3; i++)
        {
            health.Succeeded(fast, TimeSpan.FromMilliseconds(20).Ticks, peers);
        }

        for (var i = 0; i < 3; i++)
        {
            health.Succeeded(slow, TimeSpan.FromMilliseconds(90).Ticks, peers); // 4.5 times: not slow
        }

        var afterModest = health.IsEjected(slow);
        health.Succeeded(slow, TimeSpan.FromMilliseconds(200).Ticks, peers);
        health.Succeeded(slow, TimeSpan.FromMilliseconds(200).Ticks, peers);

        Assert.False(afterModest);
        Assert.True(health.IsEjected(slow));
        Assert.False(health.IsEjected(fast));
    }

    [Fact]
    public void Unavailable_RetryAfter_SkipsTheNodeThatLongWithoutCountingAnEjection()
    {
        var health = Create(new MicroClientOptions { EjectionDuration = TimeSpan.FromSeconds(30) });
        var node = health.Get("127.0.0.1:1");

        health.Unavailable(node, TimeSpan.FromSeconds(5));
        var paused = health.IsEjected(node);
        _time.Advance(TimeSpan.FromSeconds(6));

        Assert.True(paused);
        Assert.False(health.IsEjected(node));
        Assert.Equal(0, node.Ejections);
    }

    private static NodeCandidate Candidate(NodeState state)
    {
        var node = new MicroHosting.Registry.MicroNode { Id = state.HostPort, Address = "127.0.0.1", Port = 1 };
        return new NodeCandidate(new MicroHosting.Registry.MicroService { Name = "s", Nodes = [node] }, node, state);
    }

    private NodeHealth Create(MicroClientOptions options) => new(_time, Options.Create(options), NullLogger<NodeHealth>.Instance);
}
