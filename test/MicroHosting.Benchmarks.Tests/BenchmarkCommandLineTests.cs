namespace MicroHosting.Benchmarks.Tests;

public sealed class BenchmarkCommandLineTests
{
    [Fact]
    public void Parse_AllOptions_SetsEach()
    {
        var options = BenchmarkCommandLine.Parse(["unary", "--duration", "2.5", "--warmup", "0", "--repeat", "5", "--concurrency", "1,64", "--in-process", "--no-pin"]);

        Assert.Equal("unary", options.Scenario);
        Assert.Equal(TimeSpan.FromSeconds(2.5), options.EffectiveDuration);
        Assert.Equal(TimeSpan.Zero, options.EffectiveWarmup);
        Assert.Equal(5, options.EffectiveRepeat);
        Assert.Equal([1, 64], options.ConcurrencyOr(16));
        Assert.True(options.InProcess);
        Assert.False(options.Pin);
    }

    [Fact]
    public void Parse_Quick_ShortensEverythingTheUserDidNotSet()
    {
        var options = BenchmarkCommandLine.Parse(["server", "--quick"]);

        Assert.Equal(TimeSpan.FromSeconds(0.5), options.EffectiveDuration);
        Assert.Equal(1, options.EffectiveRepeat);
        Assert.Equal([4], options.ConcurrencyOr(16, 64));
        Assert.True(options.Pin);
    }

    [Fact]
    public void Parse_NoQuick_UsesTheScenarioDefaults()
    {
        var options = BenchmarkCommandLine.Parse(["unary"]);

        Assert.Equal(TimeSpan.FromSeconds(5), options.EffectiveDuration);
        Assert.Equal(3, options.EffectiveRepeat);
        Assert.Equal([1, 16, 64, 256], options.ConcurrencyOr(1, 16, 64, 256));
    }

    [Fact]
    public void Parse_Faults_WithRateAndTarget()
    {
        var options = BenchmarkCommandLine.Parse(["faults", "--rate", "300", "--target", "hung", "--repeat", "1"]);

        Assert.Equal("faults", options.Scenario);
        Assert.Equal(300, options.Rate);
        Assert.Equal("hung", options.Target);
        Assert.Equal(1, options.EffectiveRepeat);
    }

    [Fact]
    public void Parse_DoubleDash_PassesTheRestThrough()
    {
        var options = BenchmarkCommandLine.Parse(["micro", "--quick", "--", "--filter", "*Json*"]);

        Assert.True(options.Quick);
        Assert.Equal(["--filter", "*Json*"], options.Extra);
    }

    [Theory]
    [InlineData(new string[0], "Name a scenario first: server, unary, call-path, micro, mdns, pubsub, jetstream, streaming, faults, startup.")]
    [InlineData(new[] { "--quick" }, "Name a scenario first: server, unary, call-path, micro, mdns, pubsub, jetstream, streaming, faults, startup.")]
    [InlineData(new[] { "nope" }, "Unknown scenario 'nope'; choose one of: server, unary, call-path, micro, mdns, pubsub, jetstream, streaming, faults, startup.")]
    [InlineData(new[] { "unary", "--fast" }, "Unknown option '--fast'.")]
    [InlineData(new[] { "unary", "--duration" }, "--duration needs a value.")]
    [InlineData(new[] { "unary", "--duration", "0" }, "--duration takes seconds (more than 0 to 3600), not '0'.")]
    [InlineData(new[] { "unary", "--warmup", "-1" }, "--warmup takes seconds (0 to 3600), not '-1'.")]
    [InlineData(new[] { "unary", "--concurrency", "1,x" }, "--concurrency takes whole numbers from 1 to 10000, not 'x'.")]
    [InlineData(new[] { "unary", "--repeat", "0" }, "--repeat takes whole numbers from 1 to 10000, not '0'.")]
    public void Parse_BadArguments_ThrowsWithWhatToFix(string[] args, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => BenchmarkCommandLine.Parse(args));

        Assert.Equal(message, error.Message);
    }
}
