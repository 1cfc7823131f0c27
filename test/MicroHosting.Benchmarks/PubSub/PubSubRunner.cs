using System.Buffers.Binary;
using System.Diagnostics;
using MicroHosting.Benchmarks.Load;

namespace MicroHosting.Benchmarks.PubSub;

/// <summary>
/// Drives a pub/sub target twice: saturated (concurrent publishers as fast as publish returns) for messages per second,
/// then at a fixed rate for publish-to-deliver latency. Each message carries the time its publish call began; the
/// fixed-rate publisher sends on a ~1 ms tick whatever is due, so a slow publish call delays later sends but cannot
/// hide (the load does not back off).
/// </summary>
internal static class PubSubRunner
{
    public const int MessageSize = 64;

    public static async Task<PubSubResult> RunAsync(
        PubSubTarget target, int publishers, int rate, TimeSpan warmup, TimeSpan duration, CancellationToken cancellationToken)
    {
        var sink = new Sink();
        await target.SubscribeAsync(sink.OnMessage, cancellationToken).ConfigureAwait(false);

        // Saturated: publish rate, delivery rate, allocations.
        var stop = new int[1];
        var published = new long[1];
        var workers = Enumerable.Range(0, publishers).Select(_ => Task.Run(() => PublishLoopAsync(target, stop, published, cancellationToken), cancellationToken)).ToArray();
        await Task.Delay(warmup, cancellationToken).ConfigureAwait(false);
        var publishedBefore = Interlocked.Read(ref published[0]);
        var deliveredBefore = sink.Delivered;
        var usageBefore = ProcessUsage.Current();
        var started = Stopwatch.GetTimestamp();
        await Task.Delay(duration, cancellationToken).ConfigureAwait(false);

        // The window also lasts until a publish and a delivery ended in it (up to a minute): a short run on a starved
        // machine, whose first publishes run the cold path, still measures something (rates divide by the real length).
        var longest = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 60);
        while ((Interlocked.Read(ref published[0]) == publishedBefore || sink.Delivered == deliveredBefore) && Stopwatch.GetTimestamp() < longest)
        {
            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }

        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var publishedCount = Interlocked.Read(ref published[0]) - publishedBefore;
        var deliveredCount = sink.Delivered - deliveredBefore;
        var usage = ProcessUsage.Current() - usageBefore;
        Volatile.Write(ref stop[0], 1);
        await Task.WhenAll(workers).ConfigureAwait(false);
        await sink.WaitForQuietAsync(cancellationToken).ConfigureAwait(false);

        // Fixed rate: latency from the scheduled send time.
        sink.StartMeasuring();
        var sent = await PublishAtRateAsync(target, rate, duration, cancellationToken).ConfigureAwait(false);
        var (histogram, received) = await sink.StopMeasuringAsync(sent, cancellationToken).ConfigureAwait(false);
        return new PubSubResult(
            publishedCount / elapsed,
            deliveredCount / elapsed,
            (double)usage.AllocatedBytes / Math.Max(1, publishedCount),
            usage.Cpu.TotalMicroseconds / Math.Max(1, publishedCount),
            rate,
            TimeSpan.FromTicks((long)(histogram.Percentile(50) / 100)),
            TimeSpan.FromTicks((long)(histogram.Percentile(99) / 100)),
            sent - received);
    }

    private static async Task PublishLoopAsync(PubSubTarget target, int[] stop, long[] published, CancellationToken cancellationToken)
    {
        var body = new byte[MessageSize];
        while (Volatile.Read(ref stop[0]) == 0)
        {
            BinaryPrimitives.WriteInt64LittleEndian(body, Stopwatch.GetTimestamp());
            await target.PublishAsync(body, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref published[0]);

            // A broker that copies the body may keep the array; a fresh one per message keeps stamps apart.
            body = new byte[MessageSize];
        }
    }

    private static async Task<long> PublishAtRateAsync(PubSubTarget target, int rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var total = (long)(rate * duration.TotalSeconds);
        var interval = (double)Stopwatch.Frequency / rate;
        long sent = 0;
        while (sent < total)
        {
            // Send every message whose scheduled time has come, then sleep about a millisecond. The stamp is the real send
            // time: the timer's own lateness (about a millisecond) is the load generator's, not the broker's.
            var now = Stopwatch.GetTimestamp();
            while (sent < total && start + (long)(sent * interval) <= now)
            {
                var body = new byte[MessageSize];
                BinaryPrimitives.WriteInt64LittleEndian(body, Stopwatch.GetTimestamp());
                await target.PublishAsync(body, cancellationToken).ConfigureAwait(false);
                sent++;
            }

            await Task.Delay(1, cancellationToken).ConfigureAwait(false);
        }

        return sent;
    }

    private sealed class Sink
    {
        private readonly Lock _lock = new();
        private long _delivered;
        private LatencyHistogram? _histogram;
        private long _measured;

        public long Delivered => Interlocked.Read(ref _delivered);

        public void OnMessage(ReadOnlyMemory<byte> body)
        {
            var now = Stopwatch.GetTimestamp();
            Interlocked.Increment(ref _delivered);
            if (body.Length < 8)
            {
                return;
            }

            lock (_lock)
            {
                if (_histogram is not null)
                {
                    var sentAt = BinaryPrimitives.ReadInt64LittleEndian(body.Span);
                    _histogram.Record((long)((now - sentAt) * (1e9 / Stopwatch.Frequency)));
                    _measured++;
                }
            }
        }

        public async Task WaitForQuietAsync(CancellationToken cancellationToken)
        {
            // Let the saturated phase's backlog drain before the latency phase starts (at most 10 s).
            var last = Delivered;
            for (var i = 0; i < 100; i++)
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
                var now = Delivered;
                if (now == last)
                {
                    return;
                }

                last = now;
            }
        }

        public void StartMeasuring()
        {
            lock (_lock)
            {
                _histogram = new LatencyHistogram();
                _measured = 0;
            }
        }

        public async Task<(LatencyHistogram Histogram, long Received)> StopMeasuringAsync(long sent, CancellationToken cancellationToken)
        {
            var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 5);
            while (Stopwatch.GetTimestamp() < deadline)
            {
                lock (_lock)
                {
                    if (_measured >= sent)
                    {
                        break;
                    }
                }

                await Task.Delay(10, cancellationToken).ConfigureAwait(false);
            }

            lock (_lock)
            {
                var histogram = _histogram!;
                _histogram = null;
                return (histogram, _measured);
            }
        }
    }
}
