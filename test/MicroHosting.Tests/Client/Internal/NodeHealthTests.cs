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

        health.Restore("127.0.0.1:1");

        Assert.False(health.IsEjected(node));
        Assert.Same(node, health.Get("127.0.0.1:1"));
    }

    [Fact]
    public void TransportFailed_EjectionDurationZero_NeverEjects()
    {
        var health = Create(new MicroClientOptions { EjectionDuration = TimeSpan.Zero });
        var node = health.Get("127.0.0.1:1");

        health.TransportFailed(node, new HttpRequestException("refused"));

        Assert.False(health.IsEjected(node));
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

    private NodeHealth Create(MicroClientOptions options) => new(_time, Options.Create(options), NullLogger<NodeHealth>.Instance);
}
