using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MicroHosting.Registry.Etcd.Internal;

/// <summary>
/// Go Micro's etcd registry: one key per node under <see cref="EtcdRegistryOptions.Prefix"/>, attached to a lease of the
/// registration TTL that every refresh keeps alive; lookups read the prefix; watches resume from the last seen revision.
/// </summary>
internal sealed partial class EtcdRegistry : IRegistry, IDisposable, IAsyncDisposable
{
    public const string RegistryName = "etcd";
    private const string ErrorId = "go.micro.registry";

    private readonly EtcdClient _client;
    private readonly EtcdRegistryOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly string _endpoints;
    private readonly SemaphoreSlim _registrationGate = new(1, 1);
    private readonly Dictionary<string, Registration> _registrations = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _disposing = new();
    private int _disposed;

    public EtcdRegistry(IOptions<EtcdRegistryOptions> options, TimeProvider timeProvider, ILogger<EtcdRegistry> logger)
    {
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        _endpoints = EtcdClientFactory.ConnectionString(_options);
        Keys = new EtcdKeys(_options.Prefix);
        _client = EtcdClientFactory.Create(_options);
    }

    public string Name => RegistryName;

    internal EtcdKeys Keys { get; }

    internal string Endpoints => _endpoints;

    internal EtcdClient Client => _client;

    public async Task RegisterAsync(MicroService service, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentOutOfRangeException.ThrowIfLessThan(ttl, TimeSpan.Zero);
        if (service.Nodes.Count == 0)
        {
            throw new ArgumentException($"Service '{service.Name}' has no node to register.", nameof(service));
        }

        await _registrationGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var node in service.Nodes)
            {
                await RegisterNodeAsync(service, node, ttl, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _registrationGate.Release();
        }
    }

    public async Task DeregisterAsync(MicroService service, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(service);
        await _registrationGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var node in service.Nodes)
            {
                var key = Keys.Node(service.Name, node.Id);
                await CallAsync($"deleting {key}", ct => _client.DeleteAsync(new DeleteRangeRequest { Key = ByteString.CopyFromUtf8(key) }, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
                if (_registrations.Remove(key, out var registration) && registration.LeaseId != 0)
                {
                    await RevokeAsync(registration.LeaseId, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _registrationGate.Release();
        }
    }

    public async Task<IReadOnlyList<MicroService>> GetServiceAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var response = await RangeAsync(Keys.Service(name), $"reading service {name}", cancellationToken).ConfigureAwait(false);
        return Group(Decode(response).Where(s => string.Equals(s.Name, name, StringComparison.Ordinal)));
    }

    public async Task<IReadOnlyList<MicroService>> ListServicesAsync(CancellationToken cancellationToken = default)
    {
        var response = await RangeAsync(Keys.Prefix, "listing services", cancellationToken).ConfigureAwait(false);
        return Group(Decode(response));
    }

    /// <summary>Checks that etcd answers a read under the prefix (reachable, and the credentials allow it).</summary>
    public Task PingAsync(CancellationToken cancellationToken)
        => CallAsync(
            "reading the registry prefix",
            ct => _client.GetAsync(new RangeRequest { Key = ByteString.CopyFromUtf8(Keys.Prefix), RangeEnd = EtcdClient.GetRangeEnd(ByteString.CopyFromUtf8(Keys.Prefix)), Limit = 1, KeysOnly = true }, cancellationToken: ct),
            cancellationToken);

    public void Dispose()
    {
        // The container may dispose this twice: it is both the EtcdRegistry singleton and the keyed IRegistry.
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _disposing.Cancel();
            _client.Dispose();
            _disposing.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    internal Task<RangeResponse> RangeAsync(string prefix, string what, CancellationToken cancellationToken)
    {
        var key = ByteString.CopyFromUtf8(prefix);
        return CallAsync(what, ct => _client.GetAsync(new RangeRequest { Key = key, RangeEnd = EtcdClient.GetRangeEnd(key) }, cancellationToken: ct), cancellationToken);
    }

    internal IEnumerable<MicroService> Decode(RangeResponse response)
    {
        foreach (var kv in response.Kvs)
        {
            if (EtcdServiceCodec.TryDecode(kv.Value.Span) is { } service)
            {
                yield return service;
            }
            else
            {
                LogUndecodable(kv.Key.ToStringUtf8());
            }
        }
    }

    /// <summary>Runs one etcd request under the operation timeout; transport failures become a <see cref="MicroException"/>.</summary>
    internal async Task<T> CallAsync<T>(string what, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.OperationTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, _disposing.Token);
        try
        {
            return await call(linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is RpcException or OperationCanceledException or HttpRequestException)
        {
            var detail = ex switch
            {
                RpcException rpc when rpc.StatusCode != StatusCode.Cancelled || !timeout.IsCancellationRequested => $"{rpc.StatusCode}: {rpc.Status.Detail}",
                _ when _disposing.IsCancellationRequested => "the registry is disposed",
                _ when timeout.IsCancellationRequested => $"no answer within {_options.OperationTimeout.TotalSeconds:0.###} s",
                _ => ex.Message,
            };
            throw new MicroException(ErrorId, 500, $"etcd registry ({_endpoints}): {what} failed: {detail}", innerException: ex);
        }
    }

    private static IReadOnlyList<MicroService> Group(IEnumerable<MicroService> services)
    {
        // Go Micro's grouping: one entry per name and version; its description comes from the first node seen.
        var groups = new Dictionary<(string, string), (MicroService First, List<MicroNode> Nodes)>();
        foreach (var service in services)
        {
            if (!groups.TryGetValue((service.Name, service.Version), out var group))
            {
                group = (service, []);
                groups.Add((service.Name, service.Version), group);
            }

            group.Nodes.AddRange(service.Nodes);
        }

        return [.. groups.Values.Select(g => g.First.WithNodes(g.Nodes))];
    }

    private async Task RegisterNodeAsync(MicroService service, MicroNode node, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var key = Keys.Node(service.Name, node.Id);
        var value = EtcdServiceCodec.Encode(service, node);
        _registrations.TryGetValue(key, out var current);
        long leaseId = 0;
        if (current is not null && current.Ttl == ttl)
        {
            var unchanged = current.Value.AsSpan().SequenceEqual(value);
            if (current.LeaseId == 0 && unchanged)
            {
                return;
            }

            if (current.LeaseId != 0)
            {
                if (await KeepAliveOnceAsync(current.LeaseId, cancellationToken).ConfigureAwait(false))
                {
                    if (unchanged)
                    {
                        return;
                    }

                    leaseId = current.LeaseId;
                }
                else
                {
                    // Expired (etcd was away longer than the TTL, or lost its data): register afresh under a new lease.
                    _registrations.Remove(key);
                    LogLeaseExpired(key, current.LeaseId);
                }
            }
        }
        else if (current is { LeaseId: not 0 })
        {
            await RevokeAsync(current.LeaseId, cancellationToken).ConfigureAwait(false);
        }

        if (leaseId == 0 && ttl > TimeSpan.Zero)
        {
            var seconds = (long)Math.Ceiling(ttl.TotalSeconds);
            var grant = await CallAsync("granting a lease", ct => _client.LeaseGrantAsync(new LeaseGrantRequest { TTL = seconds }, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
            leaseId = grant.ID;
        }

        await CallAsync(
            $"writing {key}",
            ct => _client.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFrom(value), Lease = leaseId }, cancellationToken: ct),
            cancellationToken).ConfigureAwait(false);
        _registrations[key] = new Registration(leaseId, ttl, value);
        LogNodeWritten(key, leaseId);
    }

    /// <summary>Renews a lease once; <see langword="false"/> when etcd no longer knows it.</summary>
    private Task<bool> KeepAliveOnceAsync(long leaseId, CancellationToken cancellationToken)
        => CallAsync("renewing the lease", async ct =>
        {
            using var call = _client.GetConnection().LeaseClient.LeaseKeepAlive(cancellationToken: ct);
            await call.RequestStream.WriteAsync(new LeaseKeepAliveRequest { ID = leaseId }, ct).ConfigureAwait(false);
            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            if (!await call.ResponseStream.MoveNext(ct).ConfigureAwait(false))
            {
                throw new RpcException(new Status(StatusCode.Unavailable, "the lease keep-alive stream ended without an answer"));
            }

            return call.ResponseStream.Current.TTL > 0;
        }, cancellationToken);

    private async Task RevokeAsync(long leaseId, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync("revoking the lease", ct => _client.LeaseRevokeAsync(new LeaseRevokeRequest { ID = leaseId }, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
        }
        catch (MicroException ex) when (ex.InnerException is RpcException { StatusCode: StatusCode.NotFound })
        {
            // Already expired: nothing to revoke.
        }
    }

    private sealed record Registration(long LeaseId, TimeSpan Ttl, byte[] Value);
}
