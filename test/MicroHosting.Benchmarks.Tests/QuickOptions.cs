namespace MicroHosting.Benchmarks.Tests;

/// <summary>The smoke-test settings: the quick mode, in-process, with the shortest windows that still measure something.</summary>
internal static class QuickOptions
{
    public static BenchmarkOptions For(string scenario) => new()
    {
        Scenario = scenario,
        Quick = true,
        InProcess = true,
        Duration = TimeSpan.FromSeconds(0.3),
        Warmup = TimeSpan.FromSeconds(0.1),
        Concurrency = [2],
    };
}
