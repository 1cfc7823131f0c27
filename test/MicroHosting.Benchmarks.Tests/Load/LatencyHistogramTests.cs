using MicroHosting.Benchmarks.Load;

namespace MicroHosting.Benchmarks.Tests.Load;

public sealed class LatencyHistogramTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(127)]
    [InlineData(128)]
    [InlineData(1_000)]
    [InlineData(123_456)]
    [InlineData(2_500_000_000)]
    public void IndexOf_AnyValue_FallsInsideItsBucketWithinTwoPercent(long value)
    {
        var (low, high) = LatencyHistogram.BucketRange(LatencyHistogram.IndexOf(value));

        Assert.InRange(value, low, high);
        Assert.True(high - low <= Math.Max(0, value * 0.02), $"bucket [{low}, {high}] is too wide for {value}");
    }

    [Fact]
    public void Percentile_UniformValues_ReportsTheRankedValue()
    {
        var histogram = new LatencyHistogram();
        for (var microseconds = 1; microseconds <= 10_000; microseconds++)
        {
            histogram.Record(microseconds * 1_000L);
        }

        Assert.Equal(10_000, histogram.Count);
        Assert.InRange(histogram.Percentile(50), 4_900_000, 5_100_000);
        Assert.InRange(histogram.Percentile(99), 9_800_000, 10_000_000);
        Assert.InRange(histogram.Percentile(100), 9_900_000, 10_100_000);
    }

    [Fact]
    public void Add_TwoHistograms_MergesCounts()
    {
        var fast = new LatencyHistogram();
        var slow = new LatencyHistogram();
        for (var i = 0; i < 90; i++)
        {
            fast.Record(100_000);
        }

        for (var i = 0; i < 10; i++)
        {
            slow.Record(50_000_000);
        }

        fast.Add(slow);

        Assert.Equal(100, fast.Count);
        Assert.InRange(fast.Percentile(50), 99_000, 101_000);
        Assert.InRange(fast.Percentile(99), 49_000_000, 51_000_000);
    }

    [Fact]
    public void Percentile_Empty_IsZero() => Assert.Equal(0, new LatencyHistogram().Percentile(99));
}
