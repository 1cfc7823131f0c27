using System.Diagnostics;
using System.Globalization;
using MicroHosting.Registry.Mdns;

namespace MicroHosting.Benchmarks.Mdns;

/// <summary>An <see cref="MdnsNodeCommand"/> child process (this executable again) and the timestamps it reports.</summary>
internal sealed class MdnsNodeProcess : IAsyncDisposable
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;

    private MdnsNodeProcess(Process process, string nodeId)
    {
        _process = process;
        NodeId = nodeId;
    }

    public string NodeId { get; }

    public static async Task<MdnsNodeProcess> StartAsync(string domain, string service, string nodeId, bool probe, TimeSpan recordTtl, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot find this executable's path to start the mDNS node process.");
        var assembly = typeof(MdnsNodeCommand).Assembly.Location;
        if (string.Equals(Path.GetFileNameWithoutExtension(self), Path.GetFileNameWithoutExtension(assembly), StringComparison.OrdinalIgnoreCase))
        {
            start.FileName = self;
        }
        else
        {
            // Under dotnet run, dotnet test or a test host: run the benchmark assembly with the dotnet host.
            start.FileName = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH")
                ?? (string.Equals(Path.GetFileNameWithoutExtension(self), "dotnet", StringComparison.OrdinalIgnoreCase) ? self : "dotnet");
            start.ArgumentList.Add(assembly);
        }

        foreach (var argument in MdnsNodeCommand.Arguments(domain, service, nodeId, probe, recordTtl))
        {
            start.ArgumentList.Add(argument);
        }

        // Belt and braces: the child pins itself to lo in code; the variable keeps any registry it builds there too.
        start.Environment[MdnsRegistryOptions.InterfacesVariable] = MdnsBenchOptions.Interface;
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the mDNS node process.");
        var node = new MdnsNodeProcess(process, nodeId);
        try
        {
            await node.ReadAsync("READY", TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
            return node;
        }
        catch
        {
            await node.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Registers the node; returns the timestamps before and after <c>RegisterAsync</c> in the child.</summary>
    public Task<(long Start, long End)> RegisterAsync(CancellationToken cancellationToken)
        => CommandAsync("register", "REGISTERING", "REGISTERED", cancellationToken);

    /// <summary>Deregisters the node (goodbye); returns the timestamps before and after <c>DeregisterAsync</c> in the child.</summary>
    public Task<(long Start, long End)> DeregisterAsync(CancellationToken cancellationToken)
        => CommandAsync("deregister", "DEREGISTERING", "DEREGISTERED", cancellationToken);

    /// <summary>Kills the child with SIGKILL (no goodbye); returns the timestamp just before.</summary>
    public long Kill()
    {
        var timestamp = Stopwatch.GetTimestamp();
        _process.Kill(entireProcessTree: true);
        return timestamp;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }

    private async Task<(long Start, long End)> CommandAsync(string command, string before, string after, CancellationToken cancellationToken)
    {
        await _process.StandardInput.WriteLineAsync(command).ConfigureAwait(false);
        await _process.StandardInput.FlushAsync(cancellationToken).ConfigureAwait(false);
        var start = await ReadAsync(before, ReplyTimeout, cancellationToken).ConfigureAwait(false);
        var end = await ReadAsync(after, ReplyTimeout, cancellationToken).ConfigureAwait(false);
        return (start, end);
    }

    private async Task<long> ReadAsync(string word, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        linked.CancelAfter(timeout);
        var line = await _process.StandardOutput.ReadLineAsync(linked.Token).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The mDNS node process exited before it printed {word} (exit code {(_process.HasExited ? _process.ExitCode : -1)}).");
        var parts = line.Split(' ');
        if (parts[0] != word)
        {
            throw new InvalidOperationException($"The mDNS node process printed '{line}' instead of {word}.");
        }

        return parts.Length > 1 ? long.Parse(parts[1], CultureInfo.InvariantCulture) : 0;
    }
}
