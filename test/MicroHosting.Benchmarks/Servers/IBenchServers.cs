using MicroHosting.Benchmarks.Load;

namespace MicroHosting.Benchmarks.Servers;

/// <summary>A running set of servers under test, in this process or in a child process.</summary>
internal interface IBenchServers : IAsyncDisposable
{
    /// <summary>Gets where the servers listen.</summary>
    ServerAddresses Addresses { get; }

    /// <summary>Gets how the servers share the machine's cores with the load generator, for the report.</summary>
    string Placement { get; }

    /// <summary>Reads the server process's allocated bytes and CPU time so far; <see langword="null"/> when they cannot be told apart from the load generator's.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The total bytes the server process allocated and the processor time it used.</returns>
    ValueTask<ProcessUsage?> GetUsageAsync(CancellationToken cancellationToken);

    /// <summary>Takes the server's sampled allocation profile since the last take; <see langword="null"/> when not sampling.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The top types by sampled bytes, one a line.</returns>
    ValueTask<string?> TakeAllocationProfileAsync(CancellationToken cancellationToken);
}
