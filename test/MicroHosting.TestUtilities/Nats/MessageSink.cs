using System.Collections.Concurrent;

namespace MicroHosting.TestUtilities;

/// <summary>Collects what subscribers receive in broker tests and waits (with a generous timeout) until enough arrived.</summary>
/// <typeparam name="T">What is collected.</typeparam>
public sealed class MessageSink<T>
{
    private readonly ConcurrentQueue<T> _items = new();
    private readonly Lock _gate = new();
    private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];

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
            foreach (var waiter in _waiters.Where(w => _items.Count >= w.Count).ToArray())
            {
                waiter.Done.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> items arrived; fails the test after <paramref name="timeout"/> (default 10 s).</summary>
    /// <param name="count">The number of items.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>The items.</returns>
    public async Task<IReadOnlyList<T>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        TaskCompletionSource done;
        lock (_gate)
        {
            if (_items.Count >= count)
            {
                return Items;
            }

            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, done));
        }

        try
        {
            await done.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Expected {count} item(s), got {_items.Count} within {(timeout ?? TimeSpan.FromSeconds(10)).TotalSeconds}s.");
        }

        return Items;
    }
}
