using MicroHosting.Client.Internal;

namespace MicroHosting.Tests.Client.Internal;

public sealed class RetryBudgetTests
{
    private static readonly long Start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;

    [Fact]
    public void TryWithdraw_RatioOfCallsInTheWindow_ThenRefuses()
    {
        var budget = new RetryBudget(ratio: 0.2, minPerSecond: 0);
        for (var i = 0; i < 100; i++)
        {
            budget.Deposit(Start);
        }

        var granted = Enumerable.Range(0, 50).Count(_ => budget.TryWithdraw(Start));

        Assert.Equal(20, granted);
    }

    [Fact]
    public void TryWithdraw_MinimumPerSecond_GrantedWithoutCalls()
    {
        var budget = new RetryBudget(ratio: 0.2, minPerSecond: 1);

        var granted = Enumerable.Range(0, 50).Count(_ => budget.TryWithdraw(Start));

        Assert.Equal(10, granted); // 1 per second over the 10 s window
    }

    [Fact]
    public void TryWithdraw_WindowPassed_CallsAndRetriesForgotten()
    {
        var budget = new RetryBudget(ratio: 0.5, minPerSecond: 0);
        for (var i = 0; i < 10; i++)
        {
            budget.Deposit(Start);
        }

        var before = Enumerable.Range(0, 10).Count(_ => budget.TryWithdraw(Start));
        var later = Start + TimeSpan.FromSeconds(11).Ticks;
        var afterWithoutCalls = budget.TryWithdraw(later);
        budget.Deposit(later);
        budget.Deposit(later);

        Assert.Equal(5, before);
        Assert.False(afterWithoutCalls);
        Assert.True(budget.TryWithdraw(later));
        Assert.False(budget.TryWithdraw(later));
    }
}
