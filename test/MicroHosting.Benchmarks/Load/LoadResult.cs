namespace MicroHosting.Benchmarks.Load;

/// <summary>What one measured run of one target produced.</summary>
/// <param name="Calls">Successful calls in the measured window.</param>
/// <param name="Errors">Failed calls in the measured window.</param>
/// <param name="Elapsed">The measured window.</param>
/// <param name="P50">Median latency.</param>
/// <param name="P99">99th percentile latency.</param>
/// <param name="ClientBytesPerCall">Bytes the load generator's process allocated per call (all threads).</param>
/// <param name="ServerBytesPerCall">Bytes the server process allocated per call; <see langword="null"/> when not separable.</param>
/// <param name="ClientCpuPerCall">Microseconds of CPU the load generator's process used per call (all threads).</param>
/// <param name="ServerCpuPerCall">Microseconds of CPU the server process used per call; <see langword="null"/> when not separable.</param>
internal sealed record LoadResult(
    long Calls, long Errors, TimeSpan Elapsed, TimeSpan P50, TimeSpan P99, double ClientBytesPerCall, double? ServerBytesPerCall, double ClientCpuPerCall, double? ServerCpuPerCall)
{
    /// <summary>Gets successful calls per second.</summary>
    public double Throughput => Elapsed > TimeSpan.Zero ? Calls / Elapsed.TotalSeconds : 0;

    /// <summary>Builds the result of a measured window from its latencies, failures, and what each process used in it.</summary>
    public static LoadResult From(LatencyHistogram histogram, long errors, TimeSpan elapsed, ProcessUsage client, ProcessUsage? server)
    {
        var perCall = Math.Max(1, histogram.Count + errors);
        return new LoadResult(
            histogram.Count,
            errors,
            elapsed,
            TimeSpan.FromTicks((long)(histogram.Percentile(50) / 100)),
            TimeSpan.FromTicks((long)(histogram.Percentile(99) / 100)),
            (double)client.AllocatedBytes / perCall,
            server is { } s ? (double)s.AllocatedBytes / perCall : null,
            client.Cpu.TotalMicroseconds / perCall,
            server is { } t ? t.Cpu.TotalMicroseconds / perCall : null);
    }

    /// <summary>Gets the server's sampled allocations by type during the run (<c>--alloc-profile</c>).</summary>
    public string? ServerAllocationProfile { get; init; }
}
