using MicroHosting.Internal;
using Polly;
using Polly.Timeout;

namespace MicroHosting.Client.Internal;

/// <summary>
/// A unary call's whole budget (<see cref="MicroCallPlan.Budget"/>), as the token its Polly context runs with: it fires
/// when the budget runs out or the caller's token is cancelled, and every attempt and every retry delay ends with it. When
/// it ended the call, <see cref="Settle"/> makes the outcome Polly's <see cref="TimeoutRejectedException"/>, as Polly's
/// timeout strategy did when it ran around the retries. The token costs a pooled source (<see cref="DeadlineSourcePool"/>)
/// where that strategy cost an async step per call, its timeout generator and a second pipeline layer: 245-280 B less
/// per call (unary benchmark, client B/call: small JSON 3,482-3,494 -> 3,237, protobuf 7,279-7,311 -> 7,031, h2c
/// 5,459-5,463 -> 5,213-5,234; CPU per call in the benchmark README, "Client call deadline without Polly's timeout
/// strategy").
/// </summary>
internal readonly struct MicroCallDeadline
{
    private readonly CancellationToken _callerToken;
    private readonly CancellationTokenSource? _source;
    private readonly CancellationTokenRegistration _link;
    private readonly TimeProvider? _timeProvider;
    private readonly TimeSpan _budget;

    private MicroCallDeadline(CancellationToken callerToken, CancellationTokenSource? source = null, CancellationTokenRegistration link = default, TimeProvider? timeProvider = null, TimeSpan budget = default)
    {
        _callerToken = callerToken;
        _source = source;
        _link = link;
        _timeProvider = timeProvider;
        _budget = budget;
    }

    /// <summary>Starts the budget of a unary call; a stream's deadline covers its whole life, so a stream gets none here.</summary>
    public static MicroCallDeadline Start(MicroCallPlan plan, CancellationToken callerToken, TimeProvider timeProvider)
    {
        if (plan.Stream || !plan.HasDeadline)
        {
            return new MicroCallDeadline(callerToken);
        }

        var source = DeadlineSourcePool.Rent(plan.Budget, timeProvider);
        var link = callerToken.CanBeCanceled
            ? callerToken.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), source)
            : default;
        return new MicroCallDeadline(callerToken, source, link, timeProvider, plan.Budget);
    }

    /// <summary>Gets the token the call's attempts and retry delays run with: the budget's, else the caller's.</summary>
    public CancellationToken Token => _source?.Token ?? _callerToken;

    /// <summary>
    /// The call's outcome as its caller sees it: a cancellation by the budget becomes a <see cref="TimeoutRejectedException"/>,
    /// and one by the caller carries the caller's token (as Polly's timeout strategy returned them).
    /// </summary>
    public Outcome<object> Settle(Outcome<object> outcome)
    {
        if (outcome.Exception is not OperationCanceledException canceled)
        {
            return outcome;
        }

        if (_callerToken.IsCancellationRequested)
        {
            return canceled.CancellationToken == _callerToken
                ? outcome
                : Outcome.FromException<object>(new OperationCanceledException(canceled.Message, canceled, _callerToken));
        }

        return _source is { IsCancellationRequested: true }
            ? Outcome.FromException<object>(new TimeoutRejectedException($"The operation didn't complete within the allowed timeout of '{_budget}'.", _budget, canceled))
            : outcome;
    }

    /// <summary>Ends the budget once the call is over: unlinks the caller's token and gives the source back.</summary>
    public void End()
    {
        if (_source is null)
        {
            return;
        }

        _link.Dispose();
        DeadlineSourcePool.Return(_source, _timeProvider!);
    }
}
