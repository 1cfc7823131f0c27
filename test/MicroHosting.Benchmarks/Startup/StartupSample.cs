namespace MicroHosting.Benchmarks.Startup;

/// <summary>One start of one program: times from the process start, and its resident memory.</summary>
/// <param name="ReadyMs">Process start to the ready line (MicroHosting: registered; gRPC: listening).</param>
/// <param name="FirstCallMs">Process start to the first call's reply in this process.</param>
/// <param name="IdleRssMb">Resident set (VmRSS) after the first call and a second of idling.</param>
/// <param name="LoadRssMb">The largest resident set sampled during the load.</param>
/// <param name="CallsPerSecond">Calls per second during the load.</param>
internal sealed record StartupSample(double ReadyMs, double FirstCallMs, double IdleRssMb, double LoadRssMb, double CallsPerSecond);
