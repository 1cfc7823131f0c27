namespace MicroHosting.Benchmarks.Targets;

/// <summary>One way of making the benchmarked call; a failed call throws.</summary>
internal abstract class CallTarget : IDisposable
{
    /// <summary>Makes one call and checks its reply.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes with the reply.</returns>
    public abstract Task CallAsync(CancellationToken cancellationToken);

    public virtual void Dispose()
    {
    }
}
