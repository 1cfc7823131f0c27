using System.Diagnostics;
using MicroHosting.TestUtilities;

namespace MicroHosting.Interop.Tests;

/// <summary>
/// Two network namespaces of the tests' own, joined by a veth pair: the Go Micro peers run in one (<c>A</c>), the
/// MicroHosting processes in the other (<c>B</c>), so every mDNS packet and call crosses a real link and nothing
/// reaches the machine's interfaces. Also builds the Go peers. Shared by the tests of one class, which run in sequence.
/// </summary>
public sealed class InteropNetwork : IAsyncLifetime
{
    public static readonly TimeSpan Generous = ChildProcess.Generous;
    private readonly List<ChildProcess> _servers = [];
    private readonly Dictionary<string, Task<Pair>> _pairs = [];
    private NetworkNamespaces? _net;
    private string? _bin;

    /// <summary>Gets the mDNS domain of the v2 and newest peers here (v1 has only <c>local</c>).</summary>
    public string Domain { get; } = "t" + Guid.NewGuid().ToString("N")[..8];

    private NetworkNamespaces Net => _net ?? throw new InvalidOperationException(GoPeers.Unavailable ?? "The interop network was not set up.");

    public async Task InitializeAsync()
    {
        if (GoPeers.Unavailable is not null && !ExternalServer.IsCi)
        {
            return; // the tests skip themselves
        }

        _bin = await GoPeers.BuildAsync();
        _net = await NetworkNamespaces.CreateAsync(ipv4: true);
        foreach (var host in new[] { _net.A, _net.B })
        {
            // Go's mDNS joins the group on the interface the route to it names: this link.
            await RunAsync("ip", ["-n", host.Namespace, "route", "add", "224.0.0.0/4", "dev", host.Interface]);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        if (_net is not null)
        {
            await _net.DisposeAsync();
        }
    }

    /// <summary>The mDNS domain <paramref name="version"/> uses here.</summary>
    public string DomainOf(GoVersion version) => version.HasDomainFlag ? Domain : "local";

    /// <summary>A Go server and a MicroHosting server of one version's domain, started once and shared by the tests.</summary>
    public Task<Pair> PairAsync(GoVersion version)
    {
        lock (_pairs)
        {
            if (!_pairs.TryGetValue(version.Prefix, out var pair))
            {
                _pairs[version.Prefix] = pair = StartPairAsync(version);
            }

            return pair;
        }
    }

    /// <summary>Starts a Go Micro server (<c>gm*-server</c>) in namespace A and waits until it registered.</summary>
    public async Task<ChildProcess> StartGoServerAsync(GoVersion version, string name, string topic, string? queue = null, string? advertise = null)
    {
        string[] arguments =
        [
            "-name", name, "-address", Net.A.IPv4 + ":0", "-topic", topic, .. queue is null ? Array.Empty<string>() : ["-queue", queue],
            .. advertise is null ? Array.Empty<string>() : ["-advertise", advertise], .. DomainArguments(version),
        ];
        var server = Track(StartInA(version.Prefix + "-server", arguments));
        await server.WaitForAsync("^READY ", Generous);
        return server;
    }

    /// <summary>Gets an address in namespace A where nothing listens (a dead node to advertise).</summary>
    public string DeadAddressInA => Net.A.IPv4 + ":1";

    /// <summary>Starts the MicroHosting test peer (<c>serve</c>) in namespace B and waits until it registered.</summary>
    public async Task<ChildProcess> StartDotnetServerAsync(GoVersion version, string name, string topic, string? queue = null)
    {
        var server = Track(NetworkNamespaces.StartProject(Net.B, "test/MicroHosting.Interop.TestPeer", ["serve"], DotnetEnvironment(version, new()
        {
            ["MICRO_SERVER_NAME"] = name,
            ["MICRO_SERVER_ADDRESS"] = Net.B.IPv4 + ":0",
            ["INTEROP_TOPIC"] = topic,
            ["INTEROP_QUEUE"] = queue,

            // A gRPC node, as Go Micro v2's default service: registered with protocol=grpc on its HTTP/2-only listener.
            ["MICRO_SERVER"] = version.Grpc ? "grpc" : null,
            ["MICRO_SERVER_HTTP2_ADDRESS"] = version.Grpc ? Net.B.IPv4 + ":0" : null,
        })));
        await server.WaitForAsync("^READY ", Generous);
        return server;
    }

    /// <summary>
    /// Runs a Go Micro client (<c>gm*-client</c>) in namespace A to its end. A <c>call</c> without its own
    /// <c>-timeout</c> gets 30 s instead of Go Micro's 5 s (a cold .NET node on a loaded 2-core machine answers its first
    /// call slowly; these tests are about the wire, not latency). A call whose Go selector found no node, although the
    /// node is registered (<c>-wait</c> saw it), is run again, at most twice: a Go lookup collects mDNS answers for
    /// 100 ms and loses a late one under load.
    /// </summary>
    public async Task<(int ExitCode, string Output)> RunGoClientAsync(GoVersion version, params string[] arguments)
    {
        string[] bounds = arguments.Contains("call") && !arguments.Contains("-timeout") ? ["-timeout", "30s"] : [];
        var result = (ExitCode: -1, Output: string.Empty);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            result = await RunToEndAsync(StartInA(version.Prefix + "-client", [.. DomainArguments(version), .. bounds, .. arguments]));
            if (!SelectorFoundNoNode(result.Output))
            {
                break;
            }
        }

        return result;
    }

    private static bool SelectorFoundNoNode(string output)
        => output.Contains("error selecting", StringComparison.Ordinal) && output.Contains("node: not found", StringComparison.Ordinal);

    /// <summary>
    /// Publishes from a Go Micro client (<c>gm*-client publish</c>) in namespace A and keeps it running until
    /// <paramref name="delivered"/> holds. Go Micro's http broker delivers in a goroutine after <c>Publish</c>
    /// returns, so a client that exits after its default one-second linger can take an undelivered message with it
    /// on a loaded machine: that loss would be the test tool's, not the subscriber's.
    /// </summary>
    public async Task PublishFromGoAsync(GoVersion version, string topic, string payload, Func<bool> delivered)
    {
        await using var client = StartInA(version.Prefix + "-client", [.. DomainArguments(version), "-linger", "10m", "publish", topic, payload]);
        var deadline = DateTime.UtcNow + Generous;
        while (!delivered())
        {
            // Publish fails fast (no subscriber found, bad topic): the client then exits with its error.
            Assert.False(client.HasExited, $"the Go client exited before delivering:{Environment.NewLine}{client.Output}");
            Assert.True(DateTime.UtcNow < deadline, $"not delivered within {Generous}; Go client:{Environment.NewLine}{client.Output}{Environment.NewLine}{LinesAbout(topic)}");
            await Task.Delay(100);
        }
    }

    private string LinesAbout(string topic)
    {
        lock (_servers)
        {
            return string.Join(Environment.NewLine, _servers.SelectMany(s => s.Output.Split('\n')).Where(l => l.Contains(topic, StringComparison.Ordinal)));
        }
    }

    /// <summary>Runs the <c>micro</c> tool in namespace B to its end.</summary>
    public Task<(int ExitCode, string Output)> RunCliAsync(GoVersion version, params string[] arguments)
        => RunToEndAsync(NetworkNamespaces.StartProject(Net.B, "src/MicroHosting.Cli", arguments, DotnetEnvironment(version, [])));

    /// <summary>Runs a typed MicroHosting call (<c>MicroHosting.Interop.TestPeer call</c>) in namespace B to its end.</summary>
    public Task<(int ExitCode, string Output)> RunDotnetCallAsync(GoVersion version, params string[] arguments)
        => RunDotnetCallAsync(version, new Dictionary<string, string?>(), arguments);

    /// <summary>Runs typed MicroHosting calls in namespace B to their end, with further environment variables (MICRO_SELECTOR ...).</summary>
    public Task<(int ExitCode, string Output)> RunDotnetCallAsync(GoVersion version, Dictionary<string, string?> environment, params string[] arguments)
        => RunToEndAsync(NetworkNamespaces.StartProject(Net.B, "test/MicroHosting.Interop.TestPeer", ["call", .. arguments], DotnetEnvironment(version, environment)));

    /// <summary>Starts a program of this repository (for example <c>examples/Greeter.Service</c>) in namespace B, on this version's mDNS domain.</summary>
    public ChildProcess StartDotnetProject(GoVersion version, string project, string[] arguments, Dictionary<string, string?> environment)
        => Track(NetworkNamespaces.StartProject(Net.B, project, arguments, DotnetEnvironment(version, environment)));

    /// <summary>Runs a program of this repository in namespace B to its end, on this version's mDNS domain.</summary>
    public Task<(int ExitCode, string Output)> RunDotnetProjectAsync(GoVersion version, string project, params string[] arguments)
        => RunToEndAsync(NetworkNamespaces.StartProject(Net.B, project, arguments, DotnetEnvironment(version, [])));

    private async Task<Pair> StartPairAsync(GoVersion version)
    {
        var id = Guid.NewGuid().ToString("N")[..6];
        var pair = new Pair($"go-{id}", $"dotnet-{id}", $"events-{id}");
        var go = StartGoServerAsync(version, pair.GoName, pair.Topic);
        var dotnet = StartDotnetServerAsync(version, pair.DotnetName, pair.Topic);
        pair.Go = await go;
        pair.Dotnet = await dotnet;
        return pair;
    }

    private Dictionary<string, string?> DotnetEnvironment(GoVersion version, Dictionary<string, string?> extra)
    {
        var environment = new Dictionary<string, string?>(extra)
        {
            ["MICRO_REGISTRY"] = "mdns",
            ["MICRO_MDNS_INTERFACES"] = Net.B.Interface,
            ["Micro__Mdns__Domain"] = DomainOf(version),
            ["Micro__Mdns__IPv6"] = "false",

            // One-shot lookups collect answers for 100 ms by default (Go Micro's timeout); a loaded CI machine's Go
            // responders can take longer.
            ["Micro__Mdns__QueryTimeout"] = "00:00:01",

            // A call without its own timeout gets 30 s instead of 5 s: a cold .NET process on a loaded 2-core machine can
            // spend 5 s before its first attempt (the lookup included). These tests are about the wire, not latency.
            ["Micro__Client__RequestTimeout"] = "00:00:30",
        };
        return environment;
    }

    private string[] DomainArguments(GoVersion version) => version.HasDomainFlag ? ["-domain", Domain] : [];

    private ChildProcess StartInA(string program, string[] arguments)
        => ChildProcess.Start("ip", ["netns", "exec", Net.A.Namespace, Path.Combine(_bin!, program), .. arguments]);

    private ChildProcess Track(ChildProcess process)
    {
        lock (_servers)
        {
            _servers.Add(process);
        }

        return process;
    }

    private static async Task<(int ExitCode, string Output)> RunToEndAsync(ChildProcess process)
    {
        await using (process)
        {
            var code = await process.WaitForExitAsync(Generous);
            return (code, process.Output);
        }
    }

    private static async Task RunAsync(string file, string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{file} {string.Join(' ', arguments)}' failed with {process.ExitCode}: {await error}");
        }
    }

    /// <summary>A Go server and a MicroHosting server subscribed to the same topic.</summary>
    public sealed class Pair(string goName, string dotnetName, string topic)
    {
        public string GoName { get; } = goName;

        public string DotnetName { get; } = dotnetName;

        public string Topic { get; } = topic;

        public ChildProcess Go { get; internal set; } = null!;

        public ChildProcess Dotnet { get; internal set; } = null!;
    }
}
