using MicroHosting.Benchmarks.Load;

namespace MicroHosting.Benchmarks.Tests.Load;

public sealed class ProcessUsageTests
{
    [Fact]
    public void Parse_FormattedUsage_RoundTrips()
    {
        var usage = new ProcessUsage(123_456_789_012, TimeSpan.FromTicks(98_765_432));

        Assert.Equal(usage, ProcessUsage.Parse(usage.Format()));
    }

    [Fact]
    public void Current_AfterAllocatingAndSpinning_CountsBytesAndCpu()
    {
        var before = ProcessUsage.Current();
        var kept = new byte[1 << 20];
        var spin = System.Diagnostics.Stopwatch.StartNew();
        while (spin.ElapsedMilliseconds < 50)
        {
            kept[spin.ElapsedTicks % kept.Length]++;
        }

        var used = ProcessUsage.Current() - before;

        Assert.True(used.AllocatedBytes >= kept.Length, $"allocated {used.AllocatedBytes} B");
        Assert.True(used.Cpu > TimeSpan.Zero, $"CPU {used.Cpu}");
    }
}
