namespace MicroHosting.Cli.Tests;

public sealed class CliApplicationTests
{
    [Fact]
    public async Task Run_MissingArguments_ExitCode2WithUsageHint()
    {
        var result = await MicroCli.RunAsync(null, "call");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("micro --help", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnknownOutputFormat_ExitCode2ListingTheFormats()
    {
        var result = await MicroCli.RunAsync(null, "services", "--output", "yaml", "--registry", "static");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("Argument 'yaml' not recognized. Must be one of:", result.Error, StringComparison.Ordinal);
        Assert.Contains("'json'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BadTimeout_ExitCode2()
    {
        var result = await MicroCli.RunAsync(null, "services", "--timeout", "soon", "--registry", "static");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--timeout", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnknownRegistry_ExitCode2NamingTheSetting()
    {
        var result = await MicroCli.RunAsync(null, "services", "--registry", "zookeeper");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("Registry 'zookeeper'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsEveryCommand()
    {
        var result = await MicroCli.RunAsync(null, "--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var command in new[] { "services", "service", "call", "stream", "publish", "health", "watch" })
        {
            Assert.Contains("  " + command + " ", result.Output, StringComparison.Ordinal);
        }
    }
}
