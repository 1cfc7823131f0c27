using System.Diagnostics;
using System.Globalization;
using System.Net;
namespace MicroHosting.TestUtilities;

/// <summary>
/// Two network namespaces of this test's own (<c>mh-&lt;random&gt;-a</c> and <c>-b</c>), joined by a veth pair: two
/// hosts on one link, so multicast between them is real and never reaches the machine's own interfaces. Deleted on
/// dispose, which also removes the veth pair.
/// </summary>
public sealed class NetworkNamespaces : IAsyncDisposable
{
    private static readonly Lazy<string?> UnavailableReason = new(Probe);
    private readonly List<string> _created = [];

    private NetworkNamespaces(string id)
    {
        A = new Host($"mh-{id}-a", $"mh{id}a");
        B = new Host($"mh-{id}-b", $"mh{id}b");
    }

    /// <summary>Gets why namespaces cannot be made here (not root, no iproute2), or <see langword="null"/> when they can.</summary>
    public static string? Unavailable => UnavailableReason.Value;

    /// <summary>Gets the first host (the service runs here).</summary>
    public Host A { get; }

    /// <summary>Gets the second host (the clients run here).</summary>
    public Host B { get; }

    /// <summary>
    /// Creates the namespaces, the veth pair, brings the links up with multicast on and assigns the addresses: IPv4
    /// <c>10.x.y.1/24</c> and <c>.2</c> when <paramref name="ipv4"/>, IPv6 <c>fdxx:…::1/64</c> and <c>::2</c> (without
    /// duplicate address detection, so they are usable at once). Everything made so far is removed if a step fails.
    /// </summary>
    public static async Task<NetworkNamespaces> CreateAsync(bool ipv4)
    {
        if (Unavailable is { } reason)
        {
            throw new InvalidOperationException(reason);
        }

        var id = Guid.NewGuid().ToString("N")[..6];
        var pair = new NetworkNamespaces(id);
        try
        {
            foreach (var host in new[] { pair.A, pair.B })
            {
                await IpAsync("netns", "add", host.Namespace);
                pair._created.Add(host.Namespace);
            }

            await IpAsync("link", "add", pair.A.Interface, "netns", pair.A.Namespace, "type", "veth", "peer", "name", pair.B.Interface, "netns", pair.B.Namespace);
            var bytes = Convert.FromHexString(id);
            var number = 1;
            foreach (var host in new[] { pair.A, pair.B })
            {
                await IpAsync("-n", host.Namespace, "link", "set", "lo", "up");
                await IpAsync("-n", host.Namespace, "link", "set", host.Interface, "multicast", "on", "up");
                if (ipv4)
                {
                    host.IPv4 = IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"10.{bytes[0]}.{bytes[1]}.{number}"));
                    await IpAsync("-n", host.Namespace, "addr", "add", host.IPv4 + "/24", "dev", host.Interface);
                }

                host.IPv6 = IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"fd{bytes[0]:x2}:{bytes[1]:x2}{bytes[2]:x2}::{number}"));
                await IpAsync("-n", host.Namespace, "addr", "add", host.IPv6 + "/64", "dev", host.Interface, "nodad");
                number++;
            }

            return pair;
        }
        catch
        {
            await pair.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a built .NET app of this repository inside a namespace (<c>ip netns exec &lt;ns&gt; dotnet X.dll</c>).</summary>
    /// <param name="host">The namespace to run in.</param>
    /// <param name="project">The project folder relative to the repository root, for example <c>examples/Greeter.Service</c>.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="environment">Environment variables to set (a <see langword="null"/> value removes one).</param>
    /// <param name="workingDirectory">The folder to start in; the dll's own folder when <see langword="null"/>.</param>
    /// <returns>The running process.</returns>
    public static ChildProcess StartProject(Host host, string project, IEnumerable<string> arguments, IDictionary<string, string?> environment, string? workingDirectory = null)
    {
        var dll = RepositoryPaths.ProjectOutput(project);
        return Start(host, "dotnet", [dll, .. arguments], environment, workingDirectory ?? Path.GetDirectoryName(dll)!);
    }

    /// <summary>Starts a command inside a namespace (<c>ip netns exec &lt;ns&gt; &lt;command&gt;</c>).</summary>
    /// <param name="host">The namespace to run in.</param>
    /// <param name="fileName">The executable.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="environment">Environment variables to set (a <see langword="null"/> value removes one).</param>
    /// <param name="workingDirectory">The folder to start in.</param>
    /// <returns>The running process.</returns>
    public static ChildProcess Start(Host host, string fileName, IEnumerable<string> arguments, IDictionary<string, string?> environment, string workingDirectory)
        => ChildProcess.Start("ip", ["netns", "exec", host.Namespace, fileName, .. arguments], environment, workingDirectory);

    /// <summary>Lists the multicast groups joined on an interface of a namespace (<c>ip -n &lt;ns&gt; maddr show dev &lt;device&gt;</c>).</summary>
    /// <param name="host">The namespace.</param>
    /// <param name="device">The interface, for example <c>lo</c> or <see cref="Host.Interface"/>.</param>
    /// <returns>What <c>ip</c> printed: one <c>inet</c>/<c>inet6</c> line per group.</returns>
    public static Task<string> MulticastGroupsAsync(Host host, string device) => IpAsync("-n", host.Namespace, "maddr", "show", "dev", device);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // Deleting a namespace deletes the veth end inside it, and with it the peer.
        foreach (var name in _created)
        {
            try
            {
                await IpAsync("netns", "delete", name);
            }
            catch (InvalidOperationException)
            {
                // Keep deleting the others; a leftover shows in 'ip netns list' with this test's prefix.
            }
        }

        _created.Clear();
    }

    private static async Task<string> IpAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("ip did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(limit.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'ip {string.Join(' ', arguments)}' failed with {process.ExitCode}: {await error}{await output}");
        }

        return await output;
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "Network namespaces need Linux.";
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return "Creating network namespaces needs root: run the tests as root (CI does).";
        }

        if (ExternalServer.Find("ip") is null)
        {
            return ExternalServer.MissingMessage("ip", "iproute2");
        }

        // Root is not always enough (a container without CAP_SYS_ADMIN), so try it: make a namespace and delete it.
        var probe = $"mh-probe-{Guid.NewGuid().ToString("N")[..6]}";
        try
        {
            IpAsync("netns", "add", probe).GetAwaiter().GetResult();
            IpAsync("netns", "delete", probe).GetAwaiter().GetResult();
            return null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return $"'ip netns' does not work here: {ex.Message}";
        }
    }

    /// <summary>One end of the link: its namespace, its veth interface and the addresses assigned to it.</summary>
    public sealed class Host(string ns, string interfaceName)
    {
        /// <summary>Gets the namespace name.</summary>
        public string Namespace { get; } = ns;

        /// <summary>Gets the veth interface inside the namespace.</summary>
        public string Interface { get; } = interfaceName;

        /// <summary>Gets the IPv4 address, if the link has IPv4.</summary>
        public IPAddress? IPv4 { get; internal set; }

        /// <summary>Gets the unique-local IPv6 address.</summary>
        public IPAddress? IPv6 { get; internal set; }
    }
}
