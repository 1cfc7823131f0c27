using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using MicroHosting.Benchmarks.Load;
using MicroHosting.Registry;

namespace MicroHosting.Benchmarks.Servers;

/// <summary>
/// Servers in a child process (this executable's <c>serve</c> command), so the load generator's CPU and allocations
/// are not mixed with the servers'. With <c>taskset</c> and two or more cores, the server is pinned to CPU 0 and the
/// load generator to CPU 1; otherwise the OS schedules both freely.
/// </summary>
internal sealed class ChildProcessServers : IBenchServers
{
    private readonly Process _process;
    private readonly HttpClient _control;
    private readonly bool _pinned;

    private ChildProcessServers(Process process, ServerAddresses addresses, bool pinned)
    {
        _process = process;
        Addresses = addresses;
        _pinned = pinned;
        _control = new HttpClient { BaseAddress = addresses.Control };
    }

    public ServerAddresses Addresses { get; }

    public string Placement => _pinned
        ? "server process pinned to CPU 0, load generator pinned to CPU 1 (taskset); one core each"
        : string.Create(CultureInfo.InvariantCulture, $"server and load generator in separate processes, not pinned (both share {Environment.ProcessorCount} cores)");

    public static async Task<ChildProcessServers> StartAsync(bool pin, bool profile, CancellationToken cancellationToken)
    {
        var taskset = pin && Environment.ProcessorCount >= 2 ? Executables.Find("taskset") : null;
        var start = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot find this executable's path to start the server process.");
        var command = new List<string>();
        if (taskset is not null)
        {
            command.AddRange([taskset, "-c", "0"]);
        }

        command.Add(self);
        if (string.Equals(Path.GetFileNameWithoutExtension(self), "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            command.Add(typeof(ServeCommand).Assembly.Location);
        }

        command.Add(ServeCommand.Name);
        if (profile)
        {
            command.Add(ServeCommand.ProfileOption);
        }
        start.FileName = command[0];
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start the server process '{string.Join(' ', command)}'.");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The server process exited before it was ready (exit code {(process.HasExited ? process.ExitCode : -1)}).");
            var addresses = ServeCommand.ParseReady(line);
            using (var control = new HttpClient { BaseAddress = addresses.Control })
            {
                addresses = addresses with
                {
                    Service = await control.GetFromJsonAsync<MicroService>(new Uri("/service", UriKind.Relative), JsonSerializerOptions.Web, timeout.Token).ConfigureAwait(false),
                    TlsService = await control.GetFromJsonAsync<MicroService>(new Uri("/service-tls", UriKind.Relative), JsonSerializerOptions.Web, timeout.Token).ConfigureAwait(false),
                };
            }

            if (taskset is not null)
            {
                await RunAsync(taskset, ["-a", "-cp", "1", Environment.ProcessId.ToString(CultureInfo.InvariantCulture)], cancellationToken).ConfigureAwait(false);
            }

            return new ChildProcessServers(process, addresses, taskset is not null);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    public async ValueTask<ProcessUsage?> GetUsageAsync(CancellationToken cancellationToken)
    {
        var text = await _control.GetStringAsync(new Uri("/usage", UriKind.Relative), cancellationToken).ConfigureAwait(false);
        return ProcessUsage.Parse(text);
    }

    public async ValueTask<string?> TakeAllocationProfileAsync(CancellationToken cancellationToken)
    {
        var text = await _control.GetStringAsync(new Uri("/profile", UriKind.Relative), cancellationToken).ConfigureAwait(false);
        return text.Length > 0 ? text : null;
    }

    public async ValueTask DisposeAsync()
    {
        _control.Dispose();
        if (_pinned && Executables.Find("taskset") is { } taskset)
        {
            var all = string.Create(CultureInfo.InvariantCulture, $"0-{Environment.ProcessorCount - 1}");
            await RunAsync(taskset, ["-a", "-cp", all, Environment.ProcessId.ToString(CultureInfo.InvariantCulture)], CancellationToken.None).ConfigureAwait(false);
        }

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

        _process.Dispose();
    }

    private static async Task RunAsync(string fileName, string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName, arguments) { RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not run {fileName}.");
        await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}.");
        }
    }
}
