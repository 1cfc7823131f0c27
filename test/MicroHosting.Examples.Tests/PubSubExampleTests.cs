using MicroHosting.TestUtilities;

namespace MicroHosting.Examples.Tests;

public sealed class PubSubExampleTests
{
    [Fact]
    public async Task PubSub_RunsToCompletion_BroadcastToAuditAndEachOrderToOneBillingMember()
    {
        await using var example = ChildProcess.StartProject("examples/PubSub");

        var exitCode = await example.WaitForExitAsync(ChildProcess.Generous);

        Assert.True(exitCode == 0, example.Output);
        Assert.Contains("audit received 10 of 10; billing received 10 of 10, 10 distinct.", example.Output, StringComparison.Ordinal);
    }
}
