namespace MicroHosting.Benchmarks.Scenarios;

/// <summary>One BenchmarkDotNet result.</summary>
/// <param name="Benchmark">Class and method.</param>
/// <param name="Category">The category whose baseline <paramref name="Ratio"/> compares with.</param>
/// <param name="MeanNanoseconds">Mean time per operation.</param>
/// <param name="AllocatedBytes">Bytes allocated per operation.</param>
/// <param name="Ratio">Mean time divided by the category baseline's; 1 for the baseline.</param>
internal sealed record MicroResult(string Benchmark, string Category, double MeanNanoseconds, long? AllocatedBytes, double Ratio);
