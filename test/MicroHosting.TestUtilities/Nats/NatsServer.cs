using System.Diagnostics;
using Xunit;

namespace MicroHosting.TestUtilities;

/// <summary>
/// A real <c>nats-server</c> (Debian package <c>nats-server</c>) started as a child process on a free loopback port.
/// Use it as an xUnit collection fixture, or start a private one with <see cref="StartAsync"/> (for restart tests).
/// </summary>
public sealed class NatsServer : IAsyncLifetime, IAsyncDisposable
{
    private const string ReadyLine = "Server is ready";

    /// <summary>How long a start may take: seconds on a loaded 2-core CI machine, rarely more; the wait ends as soon as it is ready.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly List<string> _arguments = [];
    private OutputLog _output = new();
    private Process? _process;
    private string? _storeDirectory;

    /// <summary>Gets the port the server listens on (kept across restarts).</summary>
    public int Port { get; private set; }

    /// <summary>Gets the client URL, <c>nats://127.0.0.1:port</c>.</summary>
    public string Url => $"nats://127.0.0.1:{Port}";

    /// <summary>Starts a private server.</summary>
    /// <returns>The running server; dispose it to stop.</returns>
    public static async Task<NatsServer> StartAsync()
    {
        var server = new NatsServer();
        await server.InitializeAsync().ConfigureAwait(false);
        return server;
    }

    /// <summary>
    /// Starts a private server with JetStream (<c>-js</c>) storing in a new temporary directory (<c>-sd</c>), kept across
    /// <see cref="RestartAsync"/> and deleted on dispose.
    /// </summary>
    /// <param name="arguments">Further <c>nats-server</c> arguments, for example <c>--auth</c> and a token.</param>
    /// <returns>The running server; dispose it to stop.</returns>
    public static async Task<NatsServer> StartJetStreamAsync(params string[] arguments)
    {
        var server = new NatsServer();
        server._storeDirectory = Directory.CreateTempSubdirectory("nats-js-").FullName;
        server._arguments.AddRange(["-js", "-sd", server._storeDirectory]);
        server._arguments.AddRange(arguments);
        await server.InitializeAsync().ConfigureAwait(false);
        return server;
    }

    /// <summary>Starts a private server with further arguments (authentication, TLS).</summary>
    /// <param name="arguments">The <c>nats-server</c> arguments after the address and port.</param>
    /// <returns>The running server; dispose it to stop.</returns>
    public static async Task<NatsServer> StartAsync(params string[] arguments)
    {
        var server = new NatsServer();
        server._arguments.AddRange(arguments);
        await server.InitializeAsync().ConfigureAwait(false);
        return server;
    }

    /// <summary>Kills the server, as a crash would, and leaves it down until <see cref="StartAgainAsync"/>.</summary>
    public void Stop() => Kill();

    /// <summary>Starts a stopped server again on the same port (and the same JetStream store).</summary>
    /// <returns>Completes when the server accepts connections.</returns>
    public Task StartAgainAsync() => StartProcessAsync();

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (ExternalServer.Find("nats-server") is null && !ExternalServer.IsCi)
        {
            return; // the tests skip themselves with the install hint
        }

        for (var attempt = 1; ; attempt++)
        {
            Port = ExternalServer.FreeTcpPort();
            try
            {
                await StartProcessAsync().ConfigureAwait(false);
                return;
            }
            catch (InvalidOperationException) when (attempt < 3 && _output.ToString().Contains("address already in use", StringComparison.Ordinal))
            {
                // Another process took the free port before the server bound it: a new port, as no client knows this one yet.
            }
        }
    }

    /// <summary>Kills the server (no goodbye to clients, like a crash) and starts it again on the same port after <paramref name="downtime"/>.</summary>
    /// <param name="downtime">How long the server stays down.</param>
    /// <returns>Completes when the new server accepts connections.</returns>
    public async Task RestartAsync(TimeSpan downtime)
    {
        Kill();
        await Task.Delay(downtime).ConfigureAwait(false);
        await StartProcessAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        Kill();
        DeleteStore();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    ValueTask IAsyncDisposable.DisposeAsync()
    {
        Kill();
        DeleteStore();
        return ValueTask.CompletedTask;
    }

    private void DeleteStore()
    {
        if (_storeDirectory is { } directory && Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private async Task StartProcessAsync()
    {
        var path = ExternalServer.Require("nats-server", "nats-server");
        var info = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-a", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture) }.Concat(_arguments))
        {
            info.ArgumentList.Add(argument);
        }

        // Ready when this process says so (after it listens, JetStream and its stored streams recovered), not when
        // something accepts connections on the port: that could be another process that took the port meanwhile.
        var output = new OutputLog();
        _output = output;
        var process = Process.Start(info) ?? throw new InvalidOperationException("nats-server did not start.");
        _process = process;
        process.OutputDataReceived += (_, e) => output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => output.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var ready = await Poll.UntilAsync(() => output.Contains(ReadyLine) || process.HasExited, StartTimeout).ConfigureAwait(false);
        if (!ready || !output.Contains(ReadyLine))
        {
            Kill();
            throw new InvalidOperationException($"nats-server did not get ready on 127.0.0.1:{Port} within {StartTimeout.TotalSeconds} s (exited: {process.HasExited}). Output:{Environment.NewLine}{output}");
        }
    }

    private void Kill()
    {
        if (_process is { } process)
        {
            _process = null;
            try
            {
                process.Kill(entireProcessTree: true);

                // Until it is gone: a restart binds the same port, which the old process holds until then.
                process.WaitForExit();
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            process.Dispose();
        }
    }

    /// <summary>The server's output, kept for the readiness check and for the message of a failed start.</summary>
    private sealed class OutputLog
    {
        private readonly System.Text.StringBuilder _text = new();

        public void Add(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_text)
            {
                _text.AppendLine(line);
            }
        }

        public bool Contains(string value)
        {
            lock (_text)
            {
                return _text.ToString().Contains(value, StringComparison.Ordinal);
            }
        }

        public override string ToString()
        {
            lock (_text)
            {
                return _text.ToString();
            }
        }
    }
}
