using Xunit;

namespace MicroHosting.TestUtilities;

/// <summary>
/// A fact that needs a real server binary. Without it the test is skipped with a message naming the Debian package,
/// except on CI (<c>CI=true</c>), where the test runs and fails, so a missing install never hides behind a skip.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ExternalServerFactAttribute : FactAttribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="executable">The server executable, for example <c>etcd</c>.</param>
    /// <param name="debianPackage">The Debian package that installs it, for example <c>etcd-server</c>.</param>
    public ExternalServerFactAttribute(string executable, string debianPackage)
    {
        if (ExternalServer.Find(executable) is null && !ExternalServer.IsCi)
        {
            Skip = ExternalServer.MissingMessage(executable, debianPackage);
        }
    }
}
