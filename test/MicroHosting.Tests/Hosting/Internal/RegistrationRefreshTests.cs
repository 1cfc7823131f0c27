using MicroHosting.Hosting.Internal;
using Microsoft.Extensions.Time.Testing;

namespace MicroHosting.Tests.Hosting.Internal;

public sealed class RegistrationRefreshTests
{
    private readonly TimerCountingTime _time = new();

    [Fact]
    public async Task RunAsync_FailuresThenSuccess_RetriesAfter1s2s4s8sThenEveryInterval()
    {
        var start = _time.GetUtcNow();
        var attempts = new List<double>();
        using var stop = new CancellationTokenSource();
        var loop = RegistrationRefresh.RunAsync(
            _ =>
            {
                attempts.Add((_time.GetUtcNow() - start).TotalSeconds);
                return Task.FromResult(attempts.Count > 3); // three failures, then registered
            },
            registered: false,
            TimeSpan.FromSeconds(30),
            _time,
            stop.Token);

        await AdvanceAsync(seconds: 45);
        await stop.CancelAsync();
        await loop;

        Assert.Equal([1d, 3d, 7d, 15d, 45d], attempts);
    }

    [Fact]
    public async Task RunAsync_BackoffLongerThanTheInterval_CappedAtTheInterval()
    {
        var attempts = 0;
        using var stop = new CancellationTokenSource();
        var loop = RegistrationRefresh.RunAsync(_ => Task.FromResult(++attempts < 0), registered: false, TimeSpan.FromSeconds(3), _time, stop.Token);

        await AdvanceAsync(seconds: 1 + 2 + 3 + 3);
        await stop.CancelAsync();
        await loop;

        Assert.Equal(4, attempts);
    }

    /// <summary>Advances one second at a time, each time once the loop waits on a timer again (its delay is armed).</summary>
    private async Task AdvanceAsync(int seconds)
    {
        for (var i = 0; i < seconds; i++)
        {
            await _time.WaitForTimersAsync();
            _time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    private sealed class TimerCountingTime() : FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero))
    {
        private int _created;
        private int _fired;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref _created);
            return base.CreateTimer(s => { Interlocked.Increment(ref _fired); callback(s); }, state, dueTime, period);
        }

        /// <summary>Waits until every fired timer has been followed by a new one: the loop is waiting again.</summary>
        public async Task WaitForTimersAsync()
        {
            for (var i = 0; i < 1000 && Volatile.Read(ref _created) <= Volatile.Read(ref _fired); i++)
            {
                await Task.Delay(5);
            }

            Assert.True(Volatile.Read(ref _created) > Volatile.Read(ref _fired), "the loop did not wait on a new timer");
        }
    }
}
