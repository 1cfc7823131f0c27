using System.Diagnostics;
using System.Net.Sockets;
using Xunit;

namespace MicroHosting.TestUtilities;

/// <summary>
/// A real <c>nats-server</c> (Debian package <c>nats-server</c>) started as a child process on a free loopback port.
/// Use it as an xUnit collection fixture, or start a private one with <see cref="StartAsync"/> (for restart tests).
/// </summary>
public sealed class NatsServer : IAsyncLifetime, IAsyncDisposable
{
    private readonly List<string> _arguments = [];
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

        Port = ExternalServer.FreeTcpPort();
        await StartProcessAsync().ConfigureAwait(false);
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

        _process = Process.Start(info) ?? throw new InvalidOperationException("nats-server did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port).ConfigureAwait(false);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(50).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                throw new InvalidOperationException($"nats-server did not accept connections on 127.0.0.1:{Port} (exited: {_process.HasExited}).", ex);
            }
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
                process.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            process.Dispose();
        }
    }
}
