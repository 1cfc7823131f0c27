namespace MicroHosting.Benchmarks.PubSub;

/// <summary>What one pub/sub target did: saturated throughput, then latency at a fixed rate.</summary>
/// <param name="Published">Messages published per second by the saturating publishers.</param>
/// <param name="Delivered">Messages delivered per second during the same window.</param>
/// <param name="BytesPerMessage">Bytes allocated per published message (publisher and subscriber share the process).</param>
/// <param name="CpuPerMessage">
/// This process's CPU time (user + system, all threads: publisher and subscriber, not nats-server) over the saturated
/// window, in microseconds per published message.
/// </param>
/// <param name="Rate">The fixed rate of the latency phase, messages per second.</param>
/// <param name="P50">Median publish-to-deliver latency at <paramref name="Rate"/>, from the start of each publish call.</param>
/// <param name="P99">99th percentile of the same.</param>
/// <param name="Lost">Messages of the latency phase that never arrived.</param>
internal sealed record PubSubResult(double Published, double Delivered, double BytesPerMessage, double CpuPerMessage, int Rate, TimeSpan P50, TimeSpan P99, long Lost);
