using Xunit;

namespace MicroHosting.TestUtilities;

/// <summary>
/// A fact that publishes a Native AOT executable: it needs the native toolchain, <c>clang</c> (package <c>clang</c>) and
/// zlib's headers (package <c>zlib1g-dev</c>). Without them the test is skipped with a message naming what to install,
/// except on CI (<c>CI=true</c> or <c>CI=1</c>), where it runs and fails.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NativeAotFactAttribute : FactAttribute
{
    /// <summary>Creates the attribute; skips the test where the native toolchain is missing (not on CI).</summary>
    public NativeAotFactAttribute()
    {
        if (Missing() is { } missing && !ExternalServer.IsCi)
        {
            Skip = missing;
        }
    }

    /// <summary>Says what the Native AOT toolchain lacks here, or <see langword="null"/> when it is complete.</summary>
    /// <returns>The message, naming the Debian packages to install.</returns>
    public static string? Missing()
    {
        var missing = new List<string>();
        if (ExternalServer.Find("clang") is null)
        {
            missing.Add("clang");
        }

        if (!File.Exists("/usr/include/zlib.h"))
        {
            missing.Add("zlib1g-dev");
        }

        return missing.Count == 0
            ? null
            : $"Native AOT publishing needs {string.Join(" and ", missing)}: run 'apt-get install -y {string.Join(' ', missing)}' (.ci/run does this).";
    }
}
