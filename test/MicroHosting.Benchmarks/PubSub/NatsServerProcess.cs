using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MicroHosting.Benchmarks.PubSub;

/// <summary>A nats-server child process on a free loopback port, for the NATS rows of the pub/sub scenario.</summary>
internal sealed class NatsServerProcess : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
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

        // Ready when this process says so (it listens, JetStream is up), not when something accepts on the port; the
        // bound is generous because a loaded 2-core machine can take many seconds to start it.
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {path}.");
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var server = new NatsServerProcess(process, string.Create(CultureInfo.InvariantCulture, $"nats://127.0.0.1:{port}"));
        try
        {
            await Task.WhenAny(ready.Task, process.WaitForExitAsync(cancellationToken)).WaitAsync(StartTimeout, cancellationToken).ConfigureAwait(false);
            if (!ready.Task.IsCompleted)
            {
                throw new InvalidOperationException($"nats-server exited during start on 127.0.0.1:{port}:{Environment.NewLine}{string.Join(Environment.NewLine, output)}");
            }

            return server;
        }
        catch (TimeoutException)
        {
            server.Dispose();
            throw new InvalidOperationException($"nats-server did not get ready on 127.0.0.1:{port} within {StartTimeout.TotalSeconds} s:{Environment.NewLine}{string.Join(Environment.NewLine, output)}");
        }
        catch
        {
            server.Dispose();
            throw;
        }

        void Add(string? line)
        {
            if (line is null)
            {
                return;
            }

            output.Enqueue(line);
            if (line.Contains("Server is ready", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
        if (_storeDirectory is not null && Directory.Exists(_storeDirectory))
        {
            Directory.Delete(_storeDirectory, recursive: true);
        }
    }
}
