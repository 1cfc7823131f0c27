using MicroHosting.Client.Internal;

namespace MicroHosting.Tests.Client.Internal;

public sealed class LatencyWindowTests
{
    [Fact]
    public void Percentile_FewerThanMinSamples_None()
    {
        var window = new LatencyWindow();
        for (var i = 0; i < LatencyWindow.MinSamples - 1; i++)
        {
            window.Add(TimeSpan.FromMilliseconds(10).Ticks);
        }

        Assert.Null(window.Percentile(0.95));
    }

    [Fact]
    public void Percentile_NearestRankOfTheSamples()
    {
        var window = new LatencyWindow();
        foreach (var ms in Enumerable.Range(1, 100).Reverse())
        {
            window.Add(TimeSpan.FromMilliseconds(ms).Ticks);
        }

        Assert.Equal(TimeSpan.FromMilliseconds(95), window.Percentile(0.95));
        Assert.Equal(TimeSpan.FromMilliseconds(50), window.Percentile(0.5));
        Assert.Equal(TimeSpan.FromMilliseconds(100), window.Percentile(0.999));
    }

    [Fact]
    public void Percentile_KeepsTheLatestSamplesOnly()
    {
        var window = new LatencyWindow();
        for (var i = 0; i < LatencyWindow.Capacity; i++)
        {
            window.Add(TimeSpan.FromSeconds(1).Ticks);
        }

        for (var i = 0; i < LatencyWindow.Capacity; i++)
        {
            window.Add(TimeSpan.FromMilliseconds(2).Ticks);
        }

        Assert.Equal(TimeSpan.FromMilliseconds(2), window.Percentile(0.95));
    }
}
