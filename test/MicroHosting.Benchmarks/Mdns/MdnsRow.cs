namespace MicroHosting.Benchmarks.Mdns;

/// <summary>One measured mDNS transition: its samples in milliseconds and the target it is held to, if any.</summary>
/// <param name="Measurement">What was measured.</param>
/// <param name="Samples">One figure per repetition, in milliseconds.</param>
/// <param name="TargetMs">The target in milliseconds; <see langword="null"/> when the row has none.</param>
internal sealed record MdnsRow(string Measurement, IReadOnlyList<double> Samples, double? TargetMs)
{
    /// <summary>Gets the median (the mean of the middle two for an even count).</summary>
    public double Median
    {
        get
        {
            var sorted = Samples.Order().ToArray();
            return sorted.Length == 0 ? double.NaN : (sorted[(sorted.Length - 1) / 2] + sorted[sorted.Length / 2]) / 2;
        }
    }

    /// <summary>Gets the 99th percentile by nearest rank: with fewer than 100 samples, the largest.</summary>
    public double P99 => Percentile(0.99);

    /// <summary>Gets whether the p99 is within the target (the goal is a p99: visible <= 1 s for nearly every start, not for half).</summary>
    public bool? Met => TargetMs is { } target ? P99 <= target : null;

    private double Percentile(double p)
    {
        var sorted = Samples.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
