using System.Net;
using System.Net.Sockets;

namespace MicroHosting.TestUtilities;

/// <summary>
/// Finds the binaries of real servers (etcd, nats-server) that integration tests start as child processes, and free
/// loopback ports for them. Without the binary a test skips with a message naming the Debian package, except on CI
/// (<c>CI=true</c> or <c>CI=1</c>), where a missing binary is a failure.
/// </summary>
public static class ExternalServer
{
    /// <summary>The lowest port <see cref="FreeTcpPort"/> picks: above the well-known ports of servers a developer may run (etcd 2379, nats 4222).</summary>
    private const int LowestPort = 20000;

    /// <summary>Gets whether this run is CI (<c>CI=true</c> or <c>CI=1</c>, as CI services set it), where missing servers fail instead of skipping.</summary>
    public static bool IsCi => Environment.GetEnvironmentVariable("CI")?.Trim() is { } ci
        && (string.Equals(ci, "true", StringComparison.OrdinalIgnoreCase) || ci == "1");

    /// <summary>Finds an executable on PATH (or in /usr/sbin, /usr/bin).</summary>
    /// <param name="name">The executable name, for example <c>nats-server</c>.</param>
    /// <returns>The full path, or <see langword="null"/>.</returns>
    public static string? Find(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in path.Split(Path.PathSeparator).Concat(["/usr/sbin", "/usr/bin", "/usr/local/bin"]))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Finds an executable or explains how to install it; on CI a missing binary throws.</summary>
    /// <param name="name">The executable name.</param>
    /// <param name="debianPackage">The Debian package that installs it.</param>
    /// <returns>The full path.</returns>
    /// <exception cref="InvalidOperationException">The binary is missing.</exception>
    public static string Require(string name, string debianPackage)
        => Find(name) ?? throw new InvalidOperationException(MissingMessage(name, debianPackage));

    /// <summary>The message for a missing server binary.</summary>
    /// <param name="name">The executable name.</param>
    /// <param name="debianPackage">The Debian package that installs it.</param>
    /// <returns>The message.</returns>
    public static string MissingMessage(string name, string debianPackage)
        => $"'{name}' is not installed: run 'apt-get install -y {debianPackage}' (.ci/run does this).";

    /// <summary>
    /// Returns a TCP port on 127.0.0.1 that is free right now, chosen below the kernel's ephemeral port range when it
    /// leaves room: a port from that range (what binding port 0 gives) can be taken by any outgoing connection's local
    /// port or any listener on port 0 on the machine in the moment between picking it and a child server binding it,
    /// or while a test restarts its server on it.
    /// </summary>
    /// <returns>The port.</returns>
    public static int FreeTcpPort()
    {
        if (EphemeralRangeStart() is { } start && start - LowestPort >= 1000)
        {
            for (var attempt = 0; attempt < 100; attempt++)
            {
                var port = Random.Shared.Next(LowestPort, start);
                if (IsFree(port))
                {
                    return port;
                }
            }
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static int? EphemeralRangeStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return range.Length == 2 && int.TryParse(range[0], System.Globalization.CultureInfo.InvariantCulture, out var start) ? start : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
