using System.Diagnostics;
using System.Globalization;

namespace MicroHosting.Benchmarks.Load;

/// <summary>
/// What a process has used so far: bytes allocated (exact, all threads) and CPU time (user + system, all threads).
/// The difference over a measured window, divided by the calls in it, gives the B/call and CPU µs/call columns; on a
/// pinned core CPU time per call moves far less with other load on the machine than calls per second do.
/// </summary>
/// <param name="AllocatedBytes">Bytes allocated since the process started.</param>
/// <param name="Cpu">Processor time since the process started.</param>
internal readonly record struct ProcessUsage(long AllocatedBytes, TimeSpan Cpu)
{
    /// <summary>Gets this process's usage now.</summary>
    public static ProcessUsage Current()
    {
        using var process = Process.GetCurrentProcess();
        return new ProcessUsage(GC.GetTotalAllocatedBytes(precise: true), process.TotalProcessorTime);
    }

    /// <summary>Gets what was used between <paramref name="before"/> and <paramref name="after"/>.</summary>
    public static ProcessUsage operator -(ProcessUsage after, ProcessUsage before)
        => new(after.AllocatedBytes - before.AllocatedBytes, after.Cpu - before.Cpu);

    /// <summary>Formats the usage for the control endpoint: bytes, then CPU ticks.</summary>
    public string Format() => string.Create(CultureInfo.InvariantCulture, $"{AllocatedBytes} {Cpu.Ticks}");

    /// <summary>Parses <see cref="Format"/>'s text.</summary>
    public static ProcessUsage Parse(string text)
    {
        var parts = text.Split(' ');
        return new ProcessUsage(long.Parse(parts[0], CultureInfo.InvariantCulture), TimeSpan.FromTicks(long.Parse(parts[1], CultureInfo.InvariantCulture)));
    }
}
