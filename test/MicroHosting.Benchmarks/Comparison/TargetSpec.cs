using MicroHosting.Benchmarks.Servers;
using MicroHosting.Benchmarks.Targets;

namespace MicroHosting.Benchmarks.Comparison;

/// <summary>One row of a comparison: how to make the target, and the baseline name when it is a baseline.</summary>
/// <param name="Name">The row label.</param>
/// <param name="Create">Creates the target against the running servers.</param>
/// <param name="Baseline">The short baseline name used in ratio columns (<c>raw</c>, <c>gRPC</c>); <see langword="null"/> for a measured target.</param>
internal sealed record TargetSpec(string Name, Func<ServerAddresses, CallTarget> Create, string? Baseline = null);
