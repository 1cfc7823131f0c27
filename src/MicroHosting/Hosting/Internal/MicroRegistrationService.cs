using MicroHosting.Codecs;
using MicroHosting.Diagnostics;
using MicroHosting.Registry;
using MicroHosting.Server.Internal;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MicroHosting.Hosting.Internal;

/// <summary>
/// Registers this node once Kestrel has bound its real address, refreshes the registration every RegisterInterval,
/// and deregisters when stopping begins, before in-flight requests drain. Also runs the lifecycle hooks. Subscriptions
/// wait for the first registration attempt through <see cref="RegisterOnceAsync"/>, whatever order the host starts them in.
/// </summary>
internal sealed partial class MicroRegistrationService(
    IServiceProvider services,
    IRegistry registry,
    IServer server,
    MicroEndpointCatalog catalog,
    MicroRegistrationState state,
    MicroListeners listeners,
    IOptions<MicroOptions> options,
    IOptions<MicroLifecycleOptions> lifecycle,
    TimeProvider timeProvider,
    MicroHosting.Diagnostics.MicroMetrics metrics,
    ILogger<MicroRegistrationService> logger) : IHostedLifecycleService, IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private Task? _firstRegistration;
    private Task? _refreshLoop;

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        foreach (var hook in lifecycle.Value.BeforeStart)
        {
            await hook(services, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RegisterOnceAsync(cancellationToken).ConfigureAwait(false);
            foreach (var hook in lifecycle.Value.AfterStart)
            {
                await hook(services, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped (SIGTERM) while starting: end quietly, so the host goes on to stop and StoppingAsync deregisters
            // what the first attempt registered. Thrown, the cancellation failed the start, the process ended with an
            // unhandled exception (exit 134) and the node stayed in the registry until its TTL ran out.
        }
    }

    /// <summary>
    /// Runs the first registration attempt once, for whichever asks first: <see cref="StartedAsync"/>, or the subscriptions,
    /// which start only after it. Completes once the attempt is over, registered or not (the refresh loop then retries
    /// with backoff), so a registry that is down delays nothing beyond one attempt.
    /// </summary>
    public Task RegisterOnceAsync(CancellationToken cancellationToken)
    {
        Task first;
        lock (_gate)
        {
            first = _firstRegistration ??= RegisterFirstAsync(cancellationToken);
        }

        return first.WaitAsync(cancellationToken);
    }

    private async Task RegisterFirstAsync(CancellationToken cancellationToken)
    {
        var bound = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var addresses = listeners.WithoutHttp2(bound);
        var http2Port = listeners.Http2Port;

        // TLS on the main listener (Micro:Tls, or Kestrel's own https endpoint): callers use https (and HTTP/2 by ALPN).
        var secure = addresses.Count > 0 && addresses.All(a => a.StartsWith("https:", StringComparison.OrdinalIgnoreCase));
        if (options.Value.Server == MicroOptions.GrpcServer && !secure && listeners.OnlyHttp2(bound) is { Count: > 0 } http2)
        {
            // Go Micro's gRPC client dials the registered address with cleartext HTTP/2 (prior knowledge): register the
            // HTTP/2-only listener, the one Kestrel serves that way on.
            addresses = http2;
        }

        if (addresses.Count == 0 && options.Value.Advertise is null)
        {
            LogNoAddress(options.Value.Name ?? string.Empty);
            return;
        }

        var advertised = AdvertiseAddress.Resolve(options.Value, addresses, AdvertiseAddress.LocalAddresses(), out var loopbackFallback);
        if (loopbackFallback)
        {
            LogLoopbackAdvertised(options.Value.Name ?? string.Empty, advertised.Port);
        }

        var service = Describe(advertised, http2Port, secure);
        state.Service = service;
        if (!await TryRegisterAsync(service, cancellationToken).ConfigureAwait(false))
        {
            LogWillRetry(service.Name, options.Value.Registry);
        }

        _refreshLoop = RegistrationRefresh.RunAsync(token => TryRegisterAsync(service, token), state.Registered, options.Value.RegisterInterval, timeProvider, _stopping.Token);
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        foreach (var hook in lifecycle.Value.BeforeStop)
        {
            await RunStopHookAsync(hook, cancellationToken).ConfigureAwait(false);
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_refreshLoop is not null)
        {
            await _refreshLoop.ConfigureAwait(false);
        }

        if (state.Service is { } service)
        {
            try
            {
                await registry.DeregisterAsync(service, cancellationToken).ConfigureAwait(false);
                state.Deregistered();
                metrics.RegistryOperation(registry.Name, "deregister", succeeded: true);
                LogDeregistered(service.Name, service.Nodes[0].Id);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                metrics.RegistryOperation(registry.Name, "deregister", succeeded: false);
                LogDeregisterFailed(service.Name, ex);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        foreach (var hook in lifecycle.Value.AfterStop)
        {
            await RunStopHookAsync(hook, cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync()
    {
        _stopping.Dispose();
        return ValueTask.CompletedTask;
    }

    internal MicroService Describe(HostPort address, int http2Port = 0, bool secure = false)
    {
        var value = options.Value;
        var grpc = value.Server == MicroOptions.GrpcServer;
        var metadata = new Dictionary<string, string>(value.Metadata, StringComparer.Ordinal)
        {
            // What a Go Micro v2 gRPC service registers; Go and MicroHosting clients pick the wire by "protocol".
            ["protocol"] = grpc ? "grpc" : "mucp",
            ["server"] = grpc ? "grpc" : "mucp",
            ["transport"] = grpc ? "grpc" : "http",
            ["registry"] = registry.Name,
            ["broker"] = value.Broker,
            ["framework"] = "microhosting",
            ["content-types"] = string.Join(',', MicroContentTypes.Json, MicroContentTypes.Protobuf, MicroContentTypes.OctetStream),
        };
        if (secure)
        {
            metadata["secure"] = "true";
        }

        if (http2Port != 0)
        {
            // Go Micro ignores unknown metadata; MicroHosting clients call unary endpoints over h2c on this port.
            metadata["h2c"] = http2Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        foreach (var (key, item) in value.Metadata)
        {
            metadata[key] = item; // the user's own metadata wins over the defaults
        }

        return new MicroService
        {
            Name = value.Name!,
            Version = value.Version,
            Endpoints = catalog.Describe(),
            Nodes =
            [
                new MicroNode
                {
                    Id = value.Id!,
                    Address = address.Host,
                    Port = address.Port,
                    Metadata = metadata,
                },
            ],
        };
    }

    private async Task<bool> TryRegisterAsync(MicroService service, CancellationToken cancellationToken)
    {
        try
        {
            await registry.RegisterAsync(service, options.Value.RegisterTtl, cancellationToken).ConfigureAwait(false);
            var first = !state.Registered;
            state.Succeeded();
            metrics.RegistryOperation(registry.Name, "register", succeeded: true);
            if (first)
            {
                LogRegistered(service.Name, service.Nodes[0].Id, service.Nodes[0].HostPort, registry.Name);
            }

            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            state.Failed(ex.Message);
            metrics.RegistryOperation(registry.Name, "register", succeeded: false);
            LogRegisterFailed(service.Name, registry.Name, ex);
            return false;
        }
    }

    private async Task RunStopHookAsync(Func<IServiceProvider, CancellationToken, Task> hook, CancellationToken cancellationToken)
    {
        try
        {
            await hook(services, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A failing stop hook must not keep the node registered or the host from stopping.
            LogHookFailed(ex);
        }
    }

    [LoggerMessage(EventId = MicroEventIds.Registered, EventName = "Registered", Level = LogLevel.Information, Message = "Registered {Service} node {NodeId} at {Address} in the {Registry} registry.")]
    private partial void LogRegistered(string service, string nodeId, string address, string registry);

    [LoggerMessage(EventId = MicroEventIds.RegisterFailed, EventName = "RegisterFailed", Level = LogLevel.Warning, Message = "Registering {Service} in the {Registry} registry failed; retrying with backoff.")]
    private partial void LogRegisterFailed(string service, string registry, Exception exception);

    [LoggerMessage(EventId = MicroEventIds.Deregistered, EventName = "Deregistered", Level = LogLevel.Information, Message = "Deregistered {Service} node {NodeId}.")]
    private partial void LogDeregistered(string service, string nodeId);

    [LoggerMessage(EventId = MicroEventIds.DeregisterFailed, EventName = "DeregisterFailed", Level = LogLevel.Warning, Message = "Deregistering {Service} failed; the registration will expire after its TTL.")]
    private partial void LogDeregisterFailed(string service, Exception exception);

    [LoggerMessage(EventId = MicroEventIds.NoAddress, EventName = "NoAddress", Level = LogLevel.Warning, Message = "{Service} has no listening address (an in-process test server?); it is not registered.")]
    private partial void LogNoAddress(string service);

    [LoggerMessage(EventId = MicroEventIds.RegisterRetrying, EventName = "RegisterRetrying", Level = LogLevel.Warning, Message = "{Service} started unregistered: the {Registry} registry is unavailable. Calls to this node will find it once registration succeeds.")]
    private partial void LogWillRetry(string service, string registry);

    [LoggerMessage(EventId = MicroEventIds.LoopbackAdvertised, EventName = "LoopbackAdvertised", Level = LogLevel.Warning, Message = "{Service} listens on all addresses, but this machine has no IPv4 address and no unique-local or global IPv6 address to advertise (link-local ones need a scope id a registry cannot carry); registering 127.0.0.1:{Port}, which only this machine can reach. Set MICRO_SERVER_ADVERTISE (Micro:Advertise) to an address other machines reach.")]
    private partial void LogLoopbackAdvertised(string service, int port);

    [LoggerMessage(EventId = MicroEventIds.LifecycleHookFailed, EventName = "LifecycleHookFailed", Level = LogLevel.Error, Message = "A BeforeStop/AfterStop hook failed; stopping continues.")]
    private partial void LogHookFailed(Exception exception);
}
