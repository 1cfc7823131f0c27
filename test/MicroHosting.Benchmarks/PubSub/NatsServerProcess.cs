using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MicroHosting.Benchmarks.PubSub;

/// <summary>A nats-server child process on a free loopback port, for the NATS rows of the pub/sub scenario.</summary>
internal sealed class NatsServerProcess : IDisposable
{
    private readonly Process _process;
    private string? _storeDirectory;

    private NatsServerProcess(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    public string Url { get; }

    /// <summary>Starts nats-server with JetStream storing in a new temporary directory (deleted on dispose), or returns <see langword="null"/> when it is not installed.</summary>
    public static async Task<NatsServerProcess?> TryStartJetStreamAsync(CancellationToken cancellationToken)
    {
        var store = Directory.CreateTempSubdirectory("bench-js-").FullName;
        var server = await TryStartAsync(cancellationToken, "-js", "-sd", store).ConfigureAwait(false);
        if (server is null)
        {
            Directory.Delete(store, recursive: true);
            return null;
        }

        server._storeDirectory = store;
        return server;
    }

    /// <summary>Starts nats-server, or returns <see langword="null"/> when it is not installed.</summary>
    public static async Task<NatsServerProcess?> TryStartAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        var path = Executables.Find("nats-server");
        if (path is null)
        {
            return null;
        }

        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var start = new ProcessStartInfo(path, ["-a", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), .. arguments])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {path}.");
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var server = new NatsServerProcess(process, string.Create(CultureInfo.InvariantCulture, $"nats://127.0.0.1:{port}"));
        var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 10);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
                return server;
            }
            catch (SocketException) when (Stopwatch.GetTimestamp() < deadline && !process.HasExited)
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                server.Dispose();
                throw;
            }
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
        if (_storeDirectory is not null && Directory.Exists(_storeDirectory))
        {
            Directory.Delete(_storeDirectory, recursive: true);
        }
    }
}
