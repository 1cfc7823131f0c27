using MicroHosting.Registry;

namespace MicroHosting.Benchmarks.Servers;

/// <summary>Where each server under test listens.</summary>
/// <param name="Raw">The bare minimal API (HTTP/1.1).</param>
/// <param name="Micro">The MicroHosting service (HTTP/1.1).</param>
/// <param name="Grpc">The gRPC service (HTTP/2 only, h2c).</param>
/// <param name="Control">The allocation counter (HTTP/1.1); <see langword="null"/> when servers share the load generator's process.</param>
internal sealed record ServerAddresses(Uri Raw, Uri Micro, Uri Grpc, Uri? Control)
{
    /// <summary>Gets the MicroHosting service as it registered itself (its node and metadata), for a client's registry.</summary>
    public MicroService? Service { get; init; }
}
