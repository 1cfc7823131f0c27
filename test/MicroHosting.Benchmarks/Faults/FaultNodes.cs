using System.Net;
using System.Net.Sockets;
using MicroHosting.Benchmarks.Servers;
using MicroHosting.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Benchmarks.Faults;

/// <summary>
/// The nodes of the <c>faults</c> scenario, in this process on 127.0.0.1, registered in one in-memory registry: MicroHosting
/// nodes whose handlers take <see cref="HandlerDelay"/> (or ten times that, or fail), and fake registrations for a hung
/// process (a socket that reads and never answers) and a killed one (a port that refuses connections).
/// </summary>
internal static class FaultNodes
{
    /// <summary>How long a healthy node's handler takes.</summary>
    public static readonly TimeSpan HandlerDelay = TimeSpan.FromMilliseconds(2);

    public const string Idempotent = "Greeter.Hello";

    public const string NotIdempotent = "Greeter.Update";

    /// <summary>Starts a MicroHosting node of <paramref name="service"/>: healthy, slow, draining or throwing.</summary>
    public static async Task<WebApplication> StartAsync(IRegistry registry, string service, FaultKind fault, CancellationToken cancellationToken)
    {
        var builder = BenchApps.CreateBuilder(http2Only: false, listen: false);
        builder.Services.AddMicro(o =>
        {
            o.Name = service;
            o.Address = "127.0.0.1:0";
        }).UseRegistry(registry);
        var app = builder.Build();
        app.MapMicroHandler(Idempotent, (GreetRequest request, CancellationToken ct) => HandleAsync(request, fault, ct)).Idempotent();
        app.MapMicroHandler(NotIdempotent, (GreetRequest request, CancellationToken ct) => HandleAsync(request, fault, ct));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return app;
    }

    /// <summary>Registers a node of <paramref name="service"/> at <paramref name="port"/>, declaring the same endpoints as the real nodes.</summary>
    public static async Task<MicroService> RegisterFakeAsync(IRegistry registry, string service, string id, int port, CancellationToken cancellationToken)
    {
        var real = (await registry.GetServiceAsync(service, cancellationToken).ConfigureAwait(false))[0];
        var node = new MicroNode { Id = id, Address = "127.0.0.1", Port = port, Metadata = real.Nodes[0].Metadata };
        var fake = real.WithNodes([node]);
        await registry.RegisterAsync(fake, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        return fake;
    }

    /// <summary>A port nothing listens on (a killed process's).</summary>
    public static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<GreetReply> HandleAsync(GreetRequest request, FaultKind fault, CancellationToken cancellationToken)
    {
        switch (fault)
        {
            case FaultKind.Draining:
                throw new MicroException("bench.faults", 503, "draining");
            case FaultKind.ThrowingIdempotent or FaultKind.ThrowingNotIdempotent:
                throw new InvalidOperationException("the handler failed");
        }

        await Task.Delay(fault == FaultKind.Slow ? HandlerDelay * 10 : HandlerDelay, cancellationToken).ConfigureAwait(false);
        return new GreetReply("Hello " + request.Name);
    }

    /// <summary>A hung process: accepts connections and reads what comes, never answers.</summary>
    internal sealed class Hung : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly List<Socket> _sockets = [];
        private readonly Task _loop;

        public Hung()
        {
            _listener.Start();
            _loop = AcceptAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            _listener.Stop();
            await _loop.ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
            lock (_sockets)
            {
                foreach (var socket in _sockets)
                {
                    socket.Dispose();
                }
            }

            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
                lock (_sockets)
                {
                    _sockets.Add(socket);
                }

                _ = DrainAsync(socket);
            }
        }

        private async Task DrainAsync(Socket socket)
        {
            var buffer = new byte[16 * 1024];
            try
            {
                while (await socket.ReceiveAsync(buffer, _stop.Token).ConfigureAwait(false) > 0)
                {
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>Counts the attempts per node port: the innermost handler of the client, once per attempt.</summary>
    internal sealed class AttemptCounter : DelegatingHandler
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<int, long> _byPort = new();

        public long Total => _byPort.Values.Sum();

        public long For(int port) => _byPort.TryGetValue(port, out var count) ? count : 0;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            _byPort.AddOrUpdate(request.RequestUri!.Port, 1, static (_, count) => count + 1);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
