using MicroHosting.Benchmarks.Comparison;

namespace MicroHosting.Benchmarks.Tests.Comparison;

public sealed class ComparisonRunnerTests
{
    [Fact]
    public void OrderOf_EachRepetition_RunsEveryTargetOnceStartingOneLater()
    {
        Assert.Equal([0, 1, 2, 3, 4], ComparisonRunner.OrderOf(5, repeat: 1));
        Assert.Equal([1, 2, 3, 4, 0], ComparisonRunner.OrderOf(5, repeat: 2));
        Assert.Equal([4, 0, 1, 2, 3], ComparisonRunner.OrderOf(5, repeat: 5));
        Assert.Equal([0, 1, 2, 3, 4], ComparisonRunner.OrderOf(5, repeat: 6));
    }

    [Fact]
    public void OrderOf_FiveRepetitions_PutsEachTargetInEachPositionOnce()
    {
        var positions = Enumerable.Range(1, 5).Select(r => ComparisonRunner.OrderOf(5, r).ToArray()).ToArray();

        for (var target = 0; target < 5; target++)
        {
            Assert.Equal([0, 1, 2, 3, 4], positions.Select(order => Array.IndexOf(order, target)).Order());
        }
    }
}
