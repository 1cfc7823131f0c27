using System.Threading.Tasks.Sources;

namespace MicroHosting.Broker.Nats.Internal;

/// <summary>
/// A publish that NATS.Net has not finished (its write lock was busy), handed to the caller as the broker's own
/// <see cref="ValueTask"/>. The caller's continuation is registered directly on NATS.Net's pending publish, so when
/// NATS.Net takes the message it resumes the caller itself; <see cref="GetResult"/> then ends the publish as the
/// broker does (<see cref="NatsBroker.EndPublish"/>: count it, or turn an outage into the 503). An async method awaiting
/// NATS.Net in between costs one more state machine resume (execution context restore, box) per such message: with it
/// the Headers format spent 1.11-1.17x the CPU per message of raw NATS.Net with the same header, without it 1.02-1.06x
/// (benchmark README, "NATS publish without the await hop").
/// </summary>
/// <remarks>
/// NATS.Net's <see cref="ValueTask"/> may be backed by its own pooled source, so it is consumed as the rules say: its
/// status read any number of times, one continuation registered, its result read exactly once (in
/// <see cref="GetResult"/>, which the caller calls once per await). This object is pooled in turn; its version makes a
/// second await of the same <see cref="ValueTask"/> throw <see cref="InvalidOperationException"/> instead of reading
/// another publish.
/// </remarks>
internal sealed class NatsPendingPublish : IValueTaskSource
{
    [ThreadStatic]
    private static NatsPendingPublish? t_cached;

    private static readonly NatsPendingPublish?[] s_shared = new NatsPendingPublish?[Environment.ProcessorCount];

    private readonly Action _resume;
    private NatsBroker? _broker;
    private string? _topic;
    private ValueTask _publish;
    private Action<object?>? _continuation;
    private object? _continuationState;
    private short _version;

    private NatsPendingPublish() => _resume = Resume;

    /// <summary>The broker's <see cref="ValueTask"/> for NATS.Net's pending <paramref name="publish"/>.</summary>
    public static ValueTask Start(NatsBroker broker, ValueTask publish, string topic)
    {
        var pending = Rent();
        pending._broker = broker;
        pending._topic = topic;
        pending._publish = publish;
        return new ValueTask(pending, pending._version);
    }

    public ValueTaskSourceStatus GetStatus(short token)
    {
        CheckToken(token);
        var publish = _publish;
        return !publish.IsCompleted ? ValueTaskSourceStatus.Pending
            : publish.IsCompletedSuccessfully ? ValueTaskSourceStatus.Succeeded
            : publish.IsCanceled ? ValueTaskSourceStatus.Canceled
            : ValueTaskSourceStatus.Faulted;
    }

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
    {
        CheckToken(token);
        _continuation = continuation;
        _continuationState = state;

        // The caller's choices pass on to NATS.Net's awaiter: its scheduling context (ConfigureAwait) and whether the
        // execution context flows (OnCompleted) or the caller restores its own (UnsafeOnCompleted, as async methods do).
        var awaiter = _publish.ConfigureAwait((flags & ValueTaskSourceOnCompletedFlags.UseSchedulingContext) != 0).GetAwaiter();
        if ((flags & ValueTaskSourceOnCompletedFlags.FlowExecutionContext) != 0)
        {
            awaiter.OnCompleted(_resume);
        }
        else
        {
            awaiter.UnsafeOnCompleted(_resume);
        }
    }

    public void GetResult(short token)
    {
        CheckToken(token);
        var broker = _broker!;
        var topic = _topic!;
        var publish = _publish;
        _broker = null;
        _topic = null;
        _publish = default;
        _version = unchecked((short)(_version + 1));
        Return(this);

        // Reads NATS.Net's result: the one read its ValueTask allows.
        broker.EndPublish(publish, topic);
    }

    private void Resume()
    {
        var continuation = _continuation!;
        var state = _continuationState;
        _continuation = null;
        _continuationState = null;
        continuation(state);
    }

    private void CheckToken(short token)
    {
        if (token != _version)
        {
            throw new InvalidOperationException("A NATS broker publish's ValueTask was awaited twice or after its result was read; a ValueTask may be awaited only once (use AsTask() to await it more than once).");
        }
    }

    private static NatsPendingPublish Rent()
    {
        var pending = t_cached;
        if (pending is not null)
        {
            t_cached = null;
            return pending;
        }

        return Interlocked.Exchange(ref s_shared[Thread.GetCurrentProcessorId() % s_shared.Length], null) ?? new NatsPendingPublish();
    }

    private static void Return(NatsPendingPublish pending)
    {
        if (t_cached is null)
        {
            t_cached = pending;
        }
        else
        {
            Volatile.Write(ref s_shared[Thread.GetCurrentProcessorId() % s_shared.Length], pending);
        }
    }
}
