using System.Text;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Order;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using MicroHosting.Benchmarks.Micro;

namespace MicroHosting.Benchmarks.Scenarios;

/// <summary>
/// BenchmarkDotNet microbenchmarks with the memory diagnoser, each against the library call underneath. They run
/// in-process (the emit toolchain), so they need no generated project. BenchmarkDotNet's short run (3 warm-up and 3
/// measured iterations) keeps the whole set to a few minutes; <c>--quick</c> runs each once (a dry job).
/// </summary>
internal sealed class MicroScenario : Scenario
{
    private static readonly Type[] Benchmarks = [typeof(CodecBenchmarks), typeof(MicroExceptionBenchmarks), typeof(NodeSelectionBenchmarks), typeof(MdnsCodecBenchmarks), typeof(NatsMessageBenchmarks), typeof(NatsPendingPublishBenchmarks)];

    public override string Name => "micro";

    public override string Description => "BenchmarkDotNet microbenchmarks (memory diagnoser): codecs, MicroException, node selection, mDNS DNS and TXT codecs, the NATS broker's per-message work and the resume of a publish that waited for NATS.Net's write lock";

    public override Task<ScenarioReport> RunAsync(BenchmarkOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        var job = (options.Quick ? Job.Dry : Job.ShortRun).WithToolchain(InProcessEmitToolchain.Instance);
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddLogger(new TextWriterLogger(log))
            .AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByCategory)
            .WithOrderer(new DefaultOrderer(SummaryOrderPolicy.Declared))
            .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "MicroHosting.Benchmarks", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .WithOptions(ConfigOptions.DisableOptimizationsValidator | ConfigOptions.DisableLogFile);
        var summaries = options.Extra.Count > 0
            ? BenchmarkSwitcher.FromTypes(Benchmarks).Run([.. options.Extra], config)
            : BenchmarkRunner.Run(Benchmarks, config);

        var markdown = new StringBuilder($"## {Name}: {Description}\n");
        var results = new List<MicroResult>();
        foreach (var summary in summaries)
        {
            var accumulated = new AccumulationLogger();
            MarkdownExporter.GitHub.ExportToLog(summary, accumulated);
            markdown.AppendLine().Append(accumulated.GetLog());
            results.AddRange(Results(summary));
        }

        return Task.FromResult(new ScenarioReport(Name, markdown.ToString()) { MicroResults = results });
    }

    private static IEnumerable<MicroResult> Results(Summary summary)
    {
        var reports = summary.Reports.Where(r => r.Success && r.ResultStatistics is not null).ToArray();
        foreach (var report in reports)
        {
            var descriptor = report.BenchmarkCase.Descriptor;
            var category = string.Join(",", descriptor.Categories);
            var baseline = reports.FirstOrDefault(r => r.BenchmarkCase.Descriptor.Baseline
                && r.BenchmarkCase.Descriptor.Type == descriptor.Type
                && string.Join(",", r.BenchmarkCase.Descriptor.Categories) == category);
            var mean = report.ResultStatistics!.Mean;
            var ratio = baseline is null ? double.NaN : mean / baseline.ResultStatistics!.Mean;
            yield return new MicroResult(
                $"{descriptor.Type.Name}.{descriptor.WorkloadMethod.Name}",
                category,
                mean,
                report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase),
                ratio);
        }
    }
}
