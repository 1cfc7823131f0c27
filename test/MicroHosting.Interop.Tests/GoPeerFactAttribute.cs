using MicroHosting.TestUtilities;

namespace MicroHosting.Interop.Tests;

/// <summary>
/// A test against real Go Micro peers: needs <c>../shared/gomicro</c>, Go (or root, so build.sh installs it) and network
/// namespaces. Without them the test is skipped with a message saying what to install, except on CI (<c>CI=true</c>),
/// where it runs and fails.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class GoPeerTheoryAttribute : TheoryAttribute
{
    public GoPeerTheoryAttribute()
    {
        if (GoPeers.Unavailable is { } reason && !ExternalServer.IsCi)
        {
            Skip = reason;
        }
    }
}

/// <summary>A single test against real Go Micro peers; skipped as <see cref="GoPeerTheoryAttribute"/> is.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class GoPeerFactAttribute : FactAttribute
{
    public GoPeerFactAttribute()
    {
        if (GoPeers.Unavailable is { } reason && !ExternalServer.IsCi)
        {
            Skip = reason;
        }
    }
}
