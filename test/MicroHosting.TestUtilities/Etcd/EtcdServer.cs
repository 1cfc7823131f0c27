using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace MicroHosting.TestUtilities.Etcd;

/// <summary>
/// A real etcd (Debian package <c>etcd-server</c>) as a child process on free loopback client and peer ports with a
/// temporary data directory. It can be stopped and started again on the same ports and data, for restart tests.
/// </summary>
public sealed class EtcdServer : IAsyncDisposable
{
    /// <summary>How long a start may take: seconds on a loaded 2-core CI machine, rarely more; the wait ends as soon as it serves.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly string _executable;
    private readonly string _dataRoot;
    private readonly string? _certFile;
    private readonly string? _keyFile;
    private readonly StringBuilder _output = new();
    private Process? _process;
    private int _generation;

    private EtcdServer(string executable, string? certFile, string? keyFile)
    {
        _executable = executable;
        _certFile = certFile;
        _keyFile = keyFile;
        _dataRoot = Directory.CreateTempSubdirectory("microhosting-etcd-").FullName;
        ClientPort = ExternalServer.FreeTcpPort();
        do
        {
            PeerPort = ExternalServer.FreeTcpPort();
        }
        while (PeerPort == ClientPort);
    }

    /// <summary>Gets the client port on 127.0.0.1.</summary>
    public int ClientPort { get; }

    /// <summary>Gets the peer port on 127.0.0.1.</summary>
    public int PeerPort { get; }

    /// <summary>Gets the client address, <c>127.0.0.1:port</c>, as <c>MICRO_REGISTRY_ADDRESS</c> takes it.</summary>
    public string ClientAddress => $"127.0.0.1:{ClientPort.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Gets whether the server process is running.</summary>
    public bool IsRunning => _process is { HasExited: false };

    private string Scheme => _certFile is null ? "http" : "https";

    private string DataDirectory => Path.Combine(_dataRoot, $"data-{_generation.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Starts etcd and waits until it serves clients.</summary>
    /// <param name="certFile">A PEM server certificate to serve clients over TLS, or <see langword="null"/> for plain HTTP.</param>
    /// <param name="keyFile">The certificate's PEM key.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server.</returns>
    public static async Task<EtcdServer> StartAsync(string? certFile = null, string? keyFile = null, CancellationToken cancellationToken = default)
    {
        var executable = ExternalServer.Require("etcd", "etcd-server");
        for (var attempt = 1; ; attempt++)
        {
            var server = new EtcdServer(executable, certFile, keyFile);
            try
            {
                await server.StartAgainAsync(wipeData: false, cancellationToken).ConfigureAwait(false);
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3 && server.Output().Contains("address already in use", StringComparison.Ordinal))
            {
                // Another process took a free port before etcd bound it: new ports, as no client knows these yet.
                await server.DisposeAsync().ConfigureAwait(false);
            }
            catch
            {
                await server.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>Kills etcd (no graceful shutdown, like a crash) and waits for it to exit. Data stays.</summary>
    /// <returns>A task that completes when the process has exited.</returns>
    public async Task StopAsync()
    {
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync().ConfigureAwait(false);
            process.Dispose();
            _process = null;
        }
    }

    /// <summary>Starts etcd again on the same ports, with the same data or, with <paramref name="wipeData"/>, as a new cluster.</summary>
    /// <param name="wipeData">Start from an empty data directory (a different cluster id).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes when etcd serves clients.</returns>
    public async Task StartAgainAsync(bool wipeData = false, CancellationToken cancellationToken = default)
    {
        await StopAsync().ConfigureAwait(false);
        if (wipeData)
        {
            _generation++;
        }

        var clientUrl = $"{Scheme}://127.0.0.1:{ClientPort.ToString(CultureInfo.InvariantCulture)}";
        var peerUrl = $"http://127.0.0.1:{PeerPort.ToString(CultureInfo.InvariantCulture)}";
        var info = new ProcessStartInfo(_executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--name", "test",
            "--data-dir", DataDirectory,
            "--listen-client-urls", clientUrl,
            "--advertise-client-urls", clientUrl,
            "--listen-peer-urls", peerUrl,
            "--initial-advertise-peer-urls", peerUrl,
            "--initial-cluster", $"test={peerUrl}",
            "--initial-cluster-token", $"microhosting-{Guid.NewGuid():N}",
            "--initial-cluster-state", "new",
            "--log-level", "warn",
            "--logger", "zap",
        })
        {
            info.ArgumentList.Add(argument);
        }

        if (_certFile is not null && _keyFile is not null)
        {
            info.ArgumentList.Add("--cert-file");
            info.ArgumentList.Add(_certFile);
            info.ArgumentList.Add("--key-file");
            info.ArgumentList.Add(_keyFile);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {_executable}.");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await WaitUntilServingAsync(process, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(_dataRoot, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private async Task WaitUntilServingAsync(Process process, CancellationToken cancellationToken)
    {
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(2) };
        var health = new Uri($"{Scheme}://127.0.0.1:{ClientPort.ToString(CultureInfo.InvariantCulture)}/health");
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException($"etcd exited with code {process.ExitCode} during start:\n{Output()}");
            }

            try
            {
                var body = await http.GetStringAsync(health, cancellationToken).ConfigureAwait(false);
                if (body.Contains("\"health\":\"true\"", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Slow to answer; try again.
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"etcd did not serve {health} within {StartTimeout.TotalSeconds} s:\n{Output()}");
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }
}
