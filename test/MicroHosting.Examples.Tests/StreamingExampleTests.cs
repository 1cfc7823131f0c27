using MicroHosting.TestUtilities;

namespace MicroHosting.Examples.Tests;

public sealed class StreamingExampleTests
{
    [Fact]
    public async Task Streaming_RunsToCompletion_EveryStreamKindDeliversItsMessages()
    {
        await using var example = ChildProcess.StartProject("examples/Streaming");

        var exitCode = await example.WaitForExitAsync(ChildProcess.Generous);

        Assert.True(exitCode == 0, example.Output);
        Assert.Contains("Numbers.Count: 100000 numbers, sum 5000050000", example.Output, StringComparison.Ordinal);
        Assert.Contains("Numbers.Sum: 1000 numbers, sum 500500", example.Output, StringComparison.Ordinal);
        Assert.Contains("Numbers.Running: last running total 55 after 10 numbers", example.Output, StringComparison.Ordinal);
        Assert.Contains("streaming example: all streams OK", example.Output, StringComparison.Ordinal);
    }
}
