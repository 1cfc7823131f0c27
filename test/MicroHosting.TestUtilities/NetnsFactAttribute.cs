using Xunit;

namespace MicroHosting.TestUtilities;

/// <summary>
/// A fact that needs network namespaces: root and a working <c>ip netns</c> (iproute2). Without them the test is skipped
/// with a message saying what is missing, except on CI (<c>CI=true</c> or <c>CI=1</c>), where it runs and fails.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NetnsFactAttribute : FactAttribute
{
    /// <summary>Creates the attribute; skips the test where namespaces cannot be made (not on CI).</summary>
    public NetnsFactAttribute()
    {
        if (NetworkNamespaces.Unavailable is { } reason && !ExternalServer.IsCi)
        {
            Skip = reason;
        }
    }
}
