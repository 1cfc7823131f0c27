namespace MicroHosting.Hosting;

/// <summary>
/// Go Micro's BeforeStart/AfterStart/BeforeStop/AfterStop hooks. Add them with the <c>IMicroBuilder</c> methods of the
/// same names. BeforeStart runs before Kestrel starts; AfterStart after the service is registered; BeforeStop before
/// it deregisters; AfterStop after the host stopped. A hook that throws during start fails the start.
/// </summary>
public sealed class MicroLifecycleOptions
{
    /// <summary>Gets the hooks that run before the server starts.</summary>
    public IList<Func<IServiceProvider, CancellationToken, Task>> BeforeStart { get; } = [];

    /// <summary>Gets the hooks that run once the service is listening and registered.</summary>
    public IList<Func<IServiceProvider, CancellationToken, Task>> AfterStart { get; } = [];

    /// <summary>Gets the hooks that run when stopping begins, before deregistration.</summary>
    public IList<Func<IServiceProvider, CancellationToken, Task>> BeforeStop { get; } = [];

    /// <summary>Gets the hooks that run after the host has stopped.</summary>
    public IList<Func<IServiceProvider, CancellationToken, Task>> AfterStop { get; } = [];
}
