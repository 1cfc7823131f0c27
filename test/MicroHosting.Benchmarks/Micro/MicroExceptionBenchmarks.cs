using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace MicroHosting.Benchmarks.Micro;

/// <summary>
/// <see cref="MicroException.ToJson"/> and <see cref="MicroException.Parse"/> (every Go Micro error crosses the wire this
/// way) against System.Text.Json on a plain record with the same four fields. Public and unsealed for BenchmarkDotNet.
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class MicroExceptionBenchmarks
{
    private readonly MicroException _error = MicroException.NotFound("greeter", "no user named \"ada\" in region eu-west-1");
    private readonly ErrorRecord _record = new("greeter", 404, "no user named \"ada\" in region eu-west-1", "Not Found");
    private readonly string _json = MicroException.NotFound("greeter", "no user named \"ada\" in region eu-west-1").ToJson();

    [Benchmark(Baseline = true, Description = "System.Text.Json")]
    [BenchmarkCategory("error-to-json")]
    public string ToJsonBaseline() => JsonSerializer.Serialize(_record, JsonSerializerOptions.Web);

    [Benchmark(Description = "MicroException.ToJson")]
    [BenchmarkCategory("error-to-json")]
    public string ToJson() => _error.ToJson();

    [Benchmark(Baseline = true, Description = "System.Text.Json")]
    [BenchmarkCategory("error-parse")]
    public ErrorRecord? ParseBaseline() => JsonSerializer.Deserialize<ErrorRecord>(_json, JsonSerializerOptions.Web);

    [Benchmark(Description = "MicroException.Parse")]
    [BenchmarkCategory("error-parse")]
    public MicroException Parse() => MicroException.Parse(_json);

    /// <summary>The baseline's shape of Go Micro's error JSON.</summary>
    /// <param name="Id">Who raised it.</param>
    /// <param name="Code">The status code.</param>
    /// <param name="Detail">What went wrong.</param>
    /// <param name="Status">The reason phrase.</param>
    public sealed record ErrorRecord(string Id, int Code, string Detail, string Status);
}
