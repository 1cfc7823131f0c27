using System.Globalization;
using System.Text;

namespace MicroHosting.Benchmarks.Comparison;

/// <summary>Writes comparison rows as Markdown tables, ready to paste into the benchmarks README.</summary>
internal static class MarkdownReport
{
    public static string Format(string scenario, string placement, BenchmarkOptions options, IReadOnlyList<ComparisonTable> tables, IReadOnlyList<ComparisonRow> rows, string levelName = "conc")
    {
        var text = new StringBuilder();
        var invariant = CultureInfo.InvariantCulture;
        text.AppendLine(invariant, $"## {scenario}");
        text.AppendLine();
        text.AppendLine(invariant, $"{Environment.ProcessorCount} cores; {placement}; {options.EffectiveRepeat} repetition(s) of {options.EffectiveDuration.TotalSeconds:0.###} s after {options.EffectiveWarmup.TotalSeconds:0.###} s warm-up; medians. Ratios are per repetition, then the median.");
        foreach (var table in tables)
        {
            var baselines = table.Targets.Where(t => t.Baseline is not null).Select(t => t.Baseline!).ToArray();
            text.AppendLine();
            text.AppendLine(invariant, $"### {table.Title}");
            text.AppendLine();
            var streams = table.MessagesPerCall > 1;
            var unit = streams ? "stream" : "call";
            text.Append(invariant, $"| {levelName} | target | {unit}s/s |{(streams ? " msgs/s |" : string.Empty)} p50 ms | p99 ms | client B/{unit} | server B/{unit} | client CPU µs/{unit} | server CPU µs/{unit} | errors |");
            foreach (var baseline in baselines)
            {
                text.Append(invariant, $" {unit}s/s vs {baseline} |");
            }

            if (baselines.Length > 0)
            {
                text.Append(invariant, $" p99 vs {baselines[0]} |");
            }

            text.AppendLine();
            text.Append(streams ? "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|" : "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            text.Append(string.Concat(Enumerable.Repeat("---:|", baselines.Length + (baselines.Length > 0 ? 1 : 0))));
            text.AppendLine();
            foreach (var row in rows.Where(r => r.Table == table.Title))
            {
                var result = row.Result;
                text.Append(invariant, $"| {row.Concurrency} | {row.Target} | {result.Throughput:N0} |{(streams ? string.Create(invariant, $" {result.Throughput * table.MessagesPerCall:N0} |") : string.Empty)} {result.P50.TotalMilliseconds:F3} | {result.P99.TotalMilliseconds:F3} | {result.ClientBytesPerCall:N0} | {(result.ServerBytesPerCall is { } server ? server.ToString("N0", invariant) : "n/a")} | {result.ClientCpuPerCall:N1} | {(result.ServerCpuPerCall is { } serverCpu ? serverCpu.ToString("N1", invariant) : "n/a")} | {result.Errors} |");
                foreach (var baseline in baselines)
                {
                    text.Append(row.ThroughputRatios.TryGetValue(baseline, out var ratio) ? string.Create(invariant, $" {ratio:F2}x |") : " |");
                }

                if (baselines.Length > 0)
                {
                    text.Append(row.P99Ratio is { } p99 ? string.Create(invariant, $" {p99:F2}x |") : " |");
                }

                text.AppendLine();
            }
        }

        return text.ToString();
    }
}
