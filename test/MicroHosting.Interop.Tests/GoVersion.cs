namespace MicroHosting.Interop.Tests;

/// <summary>One Go Micro line of <c>../shared/gomicro</c>: its programs' prefix and whether they take <c>-domain</c>.</summary>
public sealed record GoVersion(string Prefix, bool HasDomainFlag, string Label)
{
    public static readonly GoVersion V1 = new("gm1", false, "v1 (a97a100)");
    public static readonly GoVersion V2 = new("gm", true, "v2.9.1");
    public static readonly GoVersion V5 = new("gm5", true, "newest (v6.10.0+1)");

    public static GoVersion Parse(string name) => name switch
    {
        "v1" => V1,
        "v2" => V2,
        "v5" => V5,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "v1, v2 or v5"),
    };

    public override string ToString() => Label;
}
