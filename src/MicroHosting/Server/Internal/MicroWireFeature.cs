using Microsoft.AspNetCore.Http;

namespace MicroHosting.Server.Internal;

/// <summary>
/// Marks a request that <see cref="GoMicroRequestMiddleware"/> routed from Go Micro's <c>POST /</c> or from a gRPC path,
/// so the reply is written the same way; a native request has none. One feature for both, read once per request: each
/// feature lookup on Kestrel's collection walks its list of known features first (the unary path's three lookups were
/// ~1.2% of the server's CPU over h2c, profile of small JSON).
/// </summary>
internal sealed class MicroWireFeature(MicroWire wire)
{
    private static readonly MicroWireFeature GoMicroFeature = new(MicroWire.GoMicro);
    private static readonly MicroWireFeature GrpcFeature = new(MicroWire.Grpc);

    public MicroWire Wire { get; } = wire;

    /// <summary>Marks <paramref name="context"/> as arriving on <paramref name="wire"/>.</summary>
    public static void Set(HttpContext context, MicroWire wire)
        => context.Features.Set(wire switch
        {
            MicroWire.GoMicro => GoMicroFeature,
            MicroWire.Grpc => GrpcFeature,
            _ => null,
        });

    /// <summary>Gets how the caller of <paramref name="context"/> speaks.</summary>
    public static MicroWire Of(HttpContext context) => context.Features.Get<MicroWireFeature>()?.Wire ?? MicroWire.Native;
}
