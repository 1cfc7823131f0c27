namespace MicroHosting.Interop.Tests;

/// <summary>One Go Micro line of <c>../shared/gomicro</c>: its programs' prefix and whether they take <c>-domain</c>.</summary>
public sealed record GoVersion(string Prefix, bool HasDomainFlag, string Label, bool Grpc = false)
{
    public static readonly GoVersion V1 = new("gm1", false, "v1 (a97a100)");
    public static readonly GoVersion V2 = new("gm", true, "v2.9.1");
    /// <summary>Go Micro v2.9.1 with its gRPC server and client (<c>micro.NewService()</c>'s defaults in v2).</summary>
    public static readonly GoVersion V2Grpc = new("gm-grpc", true, "v2.9.1 gRPC", Grpc: true);
    public static readonly GoVersion V5 = new("gm5", true, "newest (v6.10.0+1)");

    public static GoVersion Parse(string name) => name switch
    {
        "v1" => V1,
        "v2" => V2,
        "v2grpc" => V2Grpc,
        "v5" => V5,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "v1, v2, v2grpc or v5"),
    };

    public override string ToString() => Label;
}
