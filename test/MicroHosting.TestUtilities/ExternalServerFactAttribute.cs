using Xunit;

namespace MicroHosting.TestUtilities;

/// <summary>
/// A fact that needs real binaries (servers, tools). Without one the test is skipped with a message naming each missing
/// binary and its Debian package, except on CI (<c>CI=true</c> or <c>CI=1</c>), where the test runs and fails, so a
/// missing install never hides behind a skip.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ExternalServerFactAttribute : FactAttribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="requirements">
    /// Pairs of an executable and the Debian package that installs it, every one the test needs, for example
    /// <c>"etcd", "etcd-server", "nats-server", "nats-server"</c>.
    /// </param>
    /// <exception cref="ArgumentException">The arguments are not pairs.</exception>
    public ExternalServerFactAttribute(params string[] requirements)
    {
        ArgumentNullException.ThrowIfNull(requirements);
        if (requirements.Length == 0 || requirements.Length % 2 != 0)
        {
            throw new ArgumentException("Name pairs of executable and Debian package, for example \"etcd\", \"etcd-server\".", nameof(requirements));
        }

        var missing = requirements.Chunk(2)
            .Where(pair => ExternalServer.Find(pair[0]) is null)
            .Select(pair => ExternalServer.MissingMessage(pair[0], pair[1]))
            .ToList();
        if (missing.Count > 0 && !ExternalServer.IsCi)
        {
            Skip = string.Join(" ", missing);
        }
    }
}
