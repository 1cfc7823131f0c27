using System.Collections.Concurrent;

namespace MicroHosting.TestUtilities;

/// <summary>Collects what subscribers receive in broker tests and waits (with a generous timeout) until enough arrived.</summary>
/// <typeparam name="T">What is collected.</typeparam>
public sealed class MessageSink<T>
{
    private readonly ConcurrentQueue<T> _items = new();
    private readonly Lock _gate = new();
    private readonly List<(Func<IReadOnlyCollection<T>, bool> Enough, TaskCompletionSource Done)> _waiters = [];

    /// <summary>Gets what arrived so far, in arrival order.</summary>
    public IReadOnlyList<T> Items => [.. _items];

    /// <summary>Gets how many items arrived.</summary>
    public int Count => _items.Count;

    /// <summary>Records one item.</summary>
    /// <param name="item">The item.</param>
    public void Add(T item)
    {
        _items.Enqueue(item);
        lock (_gate)
        {
            foreach (var waiter in _waiters.Where(w => w.Enough(_items)).ToArray())
            {
                waiter.Done.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> items arrived; fails the test after <paramref name="timeout"/> (default 30 s).</summary>
    /// <param name="count">The number of items.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>The items.</returns>
    public Task<IReadOnlyList<T>> WaitForAsync(int count, TimeSpan? timeout = null)
        => WaitUntilAsync(items => items.Count >= count, $"{count} item(s)", timeout);

    /// <summary>
    /// Waits until at least <paramref name="count"/> different items arrived (an at-least-once broker may deliver one twice);
    /// fails the test after <paramref name="timeout"/> (default 30 s).
    /// </summary>
    /// <param name="count">The number of different items.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>The items, duplicates included.</returns>
    public Task<IReadOnlyList<T>> WaitForDistinctAsync(int count, TimeSpan? timeout = null)
        => WaitUntilAsync(items => items.Distinct().Count() >= count, $"{count} different item(s)", timeout);

    private async Task<IReadOnlyList<T>> WaitUntilAsync(Func<IReadOnlyCollection<T>, bool> enough, string what, TimeSpan? timeout)
    {
        TaskCompletionSource done;
        lock (_gate)
        {
            if (enough(_items))
            {
                return Items;
            }

            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((enough, done));
        }

        var limit = timeout ?? TimeSpan.FromSeconds(30);
        try
        {
            await done.Task.WaitAsync(limit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Expected {what}, got {_items.Count} ({_items.Distinct().Count()} different) within {limit.TotalSeconds}s.");
        }

        return Items;
    }
}
