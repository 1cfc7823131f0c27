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

    /// <summary>Gets the MicroHosting service serving TLS (HTTP/1.1 and HTTP/2 by ALPN on one port).</summary>
    public Uri? MicroTls { get; init; }

    /// <summary>Gets the gRPC service over TLS (HTTP/2).</summary>
    public Uri? GrpcTls { get; init; }

    /// <summary>Gets the PEM file of the CA that signed both TLS servers' certificate.</summary>
    public string? CaFile { get; init; }

    /// <summary>Gets the TLS MicroHosting service as it registered itself (<c>secure=true</c>).</summary>
    public MicroService? TlsService { get; init; }
}
