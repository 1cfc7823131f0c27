using System.Diagnostics.Metrics;
using MicroHosting.Diagnostics;

namespace MicroHosting.Registry.Mdns.Internal;

/// <summary>
/// Counters of what the engine received, dropped and sent; read by tests and benchmarks. Drops are also reported on
/// the <c>MicroHosting</c> meter (from the host's <see cref="IMeterFactory"/>, when there is one) as
/// <c>micro.mdns.packets.dropped</c>, tagged with the reason.
/// </summary>
internal sealed class MdnsStatistics(IMeterFactory? meterFactory = null)
{
    private readonly Counter<long>? _dropped = meterFactory is null ? null : MicroMetrics.CreateMeter(meterFactory).CreateCounter<long>(
        "micro.mdns.packets.dropped",
        unit: "{packet}",
        description: "mDNS packets dropped, by reason: malformed, oversized, rate_limited.");

    private readonly Counter<long>? _droppedRecords = meterFactory is null ? null : MicroMetrics.CreateMeter(meterFactory).CreateCounter<long>(
        "micro.mdns.records.dropped",
        unit: "{record}",
        description: "mDNS records and questions left out of well-formed packets, by reason: invalid_name (not UTF-8, so not writable back), foreign (outside the domain or of a type the registry does not use), txt_budget (the inflated TXT bytes are at their bound).");

    private readonly Counter<long>? _evictions = meterFactory is null ? null : MicroMetrics.CreateMeter(meterFactory).CreateCounter<long>(
        "micro.mdns.cache.evictions",
        unit: "{record}",
        description: "Records evicted from the mDNS cache to keep it within its bounds, by reason: entries (MaxCacheEntries), txt_budget (MaxTxtBytes), per_name (more than 256 records of one name and type).");

    private long _received;
    private long _evicted;
    private long _droppedRecordCount;
    private long _malformed;
    private long _ignored;
    private long _queriesAnswered;
    private long _rateLimited;
    private long _sent;

    public long Received => Interlocked.Read(ref _received);

    /// <summary>Gets how many packets failed to parse and were dropped.</summary>
    public long Malformed => Interlocked.Read(ref _malformed);

    /// <summary>Gets how many well-formed packets were ignored (non-zero opcode or rcode, responses from a port other than mDNS's).</summary>
    public long Ignored => Interlocked.Read(ref _ignored);

    public long QueriesAnswered => Interlocked.Read(ref _queriesAnswered);

    /// <summary>Gets how many unicast replies were not sent because the rate limit was reached.</summary>
    public long RateLimited => Interlocked.Read(ref _rateLimited);

    public long PacketsSent => Interlocked.Read(ref _sent);

    /// <summary>Gets how many records (and questions) were left out of well-formed packets.</summary>
    public long DroppedRecords => Interlocked.Read(ref _droppedRecordCount);

    public void DropRecords(int count, string reason)
    {
        if (count > 0)
        {
            Interlocked.Add(ref _droppedRecordCount, count);
            _droppedRecords?.Add(count, new KeyValuePair<string, object?>("reason", reason));
        }
    }

    /// <summary>Gets how many cached records were evicted to stay within the bounds.</summary>
    public long Evictions => Interlocked.Read(ref _evicted);

    public void Evict(string reason)
    {
        Interlocked.Increment(ref _evicted);
        _evictions?.Add(1, new KeyValuePair<string, object?>("reason", reason));
    }

    public void Receive() => Interlocked.Increment(ref _received);

    public void DropOversized() => _dropped?.Add(1, new KeyValuePair<string, object?>("reason", "oversized"));

    public void Malform()
    {
        Interlocked.Increment(ref _malformed);
        _dropped?.Add(1, new KeyValuePair<string, object?>("reason", "malformed"));
    }

    public void Ignore() => Interlocked.Increment(ref _ignored);

    public void Answer() => Interlocked.Increment(ref _queriesAnswered);

    public void Limit()
    {
        Interlocked.Increment(ref _rateLimited);
        _dropped?.Add(1, new KeyValuePair<string, object?>("reason", "rate_limited"));
    }

    public void Sent() => Interlocked.Increment(ref _sent);
}
