namespace MicroHosting.Benchmarks.Startup;

/// <summary>A program's samples and their medians.</summary>
internal sealed record StartupRow(string Name, IReadOnlyList<StartupSample> Samples)
{
    public double ReadyMs => Median(s => s.ReadyMs);

    public double FirstCallMs => Median(s => s.FirstCallMs);

    public double IdleRssMb => Median(s => s.IdleRssMb);

    public double LoadRssMb => Median(s => s.LoadRssMb);

    public double CallsPerSecond => Median(s => s.CallsPerSecond);

    private double Median(Func<StartupSample, double> value)
    {
        var sorted = Samples.Select(value).Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
