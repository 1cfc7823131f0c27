using MicroHosting.Internal;
using Microsoft.Extensions.Time.Testing;

namespace MicroHosting.Tests.Internal;

public sealed class DeadlineSourcePoolTests
{
    [Fact]
    public void Rent_DeadlinePassed_CanceledAtOnce()
    {
        var source = DeadlineSourcePool.Rent(TimeSpan.Zero, TimeProvider.System);

        Assert.True(source.IsCancellationRequested);
        DeadlineSourcePool.Return(source, TimeProvider.System);
    }

    [Fact]
    public async Task Rent_AfterSourcesWereReturned_FiresAtItsOwnDeadlineOnly()
    {
        // Return a few sources that never fired, so the next rents reuse them (other tests may take some meanwhile).
        var returned = Enumerable.Range(0, 8).Select(_ => DeadlineSourcePool.Rent(TimeSpan.FromHours(1), TimeProvider.System)).ToArray();
        foreach (var source in returned)
        {
            DeadlineSourcePool.Return(source, TimeProvider.System);
        }

        var longDeadline = DeadlineSourcePool.Rent(TimeSpan.FromHours(1), TimeProvider.System);
        var shortDeadline = DeadlineSourcePool.Rent(TimeSpan.FromMilliseconds(50), TimeProvider.System);

        // The short one fires (a reused source's timer is re-armed); the long one is not canceled by an earlier use's timer.
        var fired = new TaskCompletionSource();
        using var registration = shortDeadline.Token.Register(() => fired.TrySetResult());
        await fired.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(longDeadline.IsCancellationRequested);
        DeadlineSourcePool.Return(longDeadline, TimeProvider.System);
        DeadlineSourcePool.Return(shortDeadline, TimeProvider.System);
    }

    [Fact]
    public void Return_FiredSource_NeverRentedAgain()
    {
        var fired = DeadlineSourcePool.Rent(TimeSpan.Zero, TimeProvider.System);
        DeadlineSourcePool.Return(fired, TimeProvider.System);

        var rented = Enumerable.Range(0, 64).Select(_ => DeadlineSourcePool.Rent(TimeSpan.FromHours(1), TimeProvider.System)).ToArray();

        Assert.DoesNotContain(fired, rented);
        Assert.All(rented, source => Assert.False(source.IsCancellationRequested));
        foreach (var source in rented)
        {
            DeadlineSourcePool.Return(source, TimeProvider.System);
        }
    }

    [Fact]
    public void Rent_OtherTimeProvider_FiresOnThatProvidersClock()
    {
        var time = new FakeTimeProvider();
        var source = DeadlineSourcePool.Rent(TimeSpan.FromSeconds(5), time);

        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(source.IsCancellationRequested);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(source.IsCancellationRequested);
        DeadlineSourcePool.Return(source, time);
    }
}
