using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text;

namespace MicroHosting.Benchmarks.Servers;

/// <summary>
/// A sampling allocation profiler: the runtime's <c>GCAllocationTick</c> event fires about every 100 KB allocated and
/// names the type that crossed the mark, so counts per type approximate where the bytes go. Enabled in the server
/// process with <c>--alloc-profile</c>; each run's profile is printed with the run.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const int AllocationTickEventId = 10;
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private ConcurrentDictionary<string, long> _bytes = new(StringComparer.Ordinal);

    /// <summary>Returns the profile since the last call (top types by sampled bytes) and starts a new one.</summary>
    public string Take(int top = 15)
    {
        var bytes = Interlocked.Exchange(ref _bytes, new ConcurrentDictionary<string, long>(StringComparer.Ordinal));
        var total = bytes.Values.Sum();
        var text = new StringBuilder();
        foreach (var (type, amount) in bytes.OrderByDescending(p => p.Value).Take(top))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {100.0 * amount / Math.Max(1, total),5:F1}%  {type}");
        }

        return text.ToString();
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventId != AllocationTickEventId || eventData.Payload is not { } payload || eventData.PayloadNames is not { } names)
        {
            return;
        }

        var typeName = payload[names.IndexOf("TypeName")] as string ?? "?";
        var amount = Convert.ToInt64(payload[names.IndexOf("AllocationAmount64")], CultureInfo.InvariantCulture);
        _bytes.AddOrUpdate(typeName, amount, (_, sum) => sum + amount);
    }
}
