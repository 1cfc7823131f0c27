namespace MicroHosting.Benchmarks;

/// <summary>The parsed command line of one benchmark run.</summary>
internal sealed record BenchmarkOptions
{
    /// <summary>Gets the scenario to run (<c>server</c>, <c>unary</c>, <c>micro</c>, ...).</summary>
    public required string Scenario { get; init; }

    /// <summary>Gets whether to run a few seconds only: short windows, one repetition, concurrency 4.</summary>
    public bool Quick { get; init; }

    /// <summary>Gets the measured window of each run; 5 s, or 0.5 s with <see cref="Quick"/>.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Gets the unmeasured warm-up before each run; 1 s, or 0.2 s with <see cref="Quick"/>.</summary>
    public TimeSpan? Warmup { get; init; }

    /// <summary>Gets how many times every run is repeated (medians are reported); 3, or 1 with <see cref="Quick"/>.</summary>
    public int? Repeat { get; init; }

    /// <summary>Gets the concurrency levels; the scenario's own when <see langword="null"/>.</summary>
    public IReadOnlyList<int>? Concurrency { get; init; }

    /// <summary>Gets whether the servers run inside this process instead of a child process.</summary>
    public bool InProcess { get; init; }

    /// <summary>Gets whether to pin the server and the load generator to one core each (with <c>taskset</c>).</summary>
    public bool Pin { get; init; } = true;

    /// <summary>Gets the fixed rate, calls or messages per second, of the latency measurements (pubsub, call-path); 1000.</summary>
    public int Rate { get; init; } = 1000;

    /// <summary>Gets a filter on row names (case-insensitive substring), to run one target alone, e.g. under a profiler.</summary>
    public string? Target { get; init; }

    /// <summary>Gets whether the server process samples allocations and each run prints where the server's bytes went.</summary>
    public bool AllocationProfile { get; init; }

    /// <summary>Gets arguments passed through to BenchmarkDotNet (the <c>micro</c> scenario).</summary>
    public IReadOnlyList<string> Extra { get; init; } = [];

    public TimeSpan EffectiveDuration => Duration ?? (Quick ? TimeSpan.FromSeconds(0.5) : TimeSpan.FromSeconds(5));

    public TimeSpan EffectiveWarmup => Warmup ?? (Quick ? TimeSpan.FromSeconds(0.2) : TimeSpan.FromSeconds(1));

    public int EffectiveRepeat => Repeat ?? (Quick ? 1 : 3);

    public IReadOnlyList<int> ConcurrencyOr(params int[] defaults) => Concurrency ?? (Quick ? [4] : defaults);
}
