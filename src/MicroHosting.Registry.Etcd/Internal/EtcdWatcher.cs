using System.Threading.Channels;
using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Mvccpb;

namespace MicroHosting.Registry.Etcd.Internal;

/// <summary>
/// One watch on a key prefix. Reads a baseline (the keys and their revision), then watches from the next revision.
/// After a disconnect it resumes from the last revision seen; when etcd has compacted that history away, or the
/// cluster was replaced, it reads the prefix again and reports the difference, so the consumer's view stays right.
/// </summary>
internal sealed partial class EtcdWatcher(EtcdRegistry registry, string prefix, string? service, TimeProvider timeProvider, ILogger logger)
{
    private static readonly TimeSpan InitialBackoff = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);
    private readonly Dictionary<string, (long ModRevision, MicroService Service)> _known = new(StringComparer.Ordinal);
    private long _revision;
    private ulong _clusterId;
    private bool _hasBaseline;

    /// <summary>Gets the last revision whose changes were all delivered.</summary>
    public long Revision => _revision;

    public async Task RunAsync(ChannelWriter<RegistryEvent> writer, CancellationToken cancellationToken)
    {
        var backoff = InitialBackoff;
        var needBaseline = true;
        var failures = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    if (needBaseline)
                    {
                        await ReadBaselineAsync(writer, cancellationToken).ConfigureAwait(false);
                        needBaseline = false;
                    }

                    await WatchUntilResyncAsync(writer, () =>
                    {
                        if (failures > 0)
                        {
                            LogResumed(prefix, _revision);
                        }

                        failures = 0;
                        backoff = InitialBackoff;
                    }, cancellationToken).ConfigureAwait(false);
                    needBaseline = true;
                    continue;
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    failures++;
                    LogLost(prefix, _revision, backoff, ex.Message);
                }

                await Task.Delay(backoff, timeProvider, cancellationToken).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The consumer stopped watching.
        }
        finally
        {
            writer.TryComplete();
        }
    }

    private async Task ReadBaselineAsync(ChannelWriter<RegistryEvent> writer, CancellationToken cancellationToken)
    {
        var response = await registry.RangeAsync(prefix, "reading the watch baseline", cancellationToken).ConfigureAwait(false);
        var current = new Dictionary<string, (long, MicroService)>(StringComparer.Ordinal);
        foreach (var kv in response.Kvs)
        {
            if (Decode(kv) is { } decoded)
            {
                current[kv.Key.ToStringUtf8()] = (kv.ModRevision, decoded);
            }
        }

        if (_hasBaseline)
        {
            // A resync: report what changed while the history was out of reach.
            foreach (var (key, (revision, decoded)) in current)
            {
                if (!_known.TryGetValue(key, out var known))
                {
                    await EmitAsync(writer, RegistryEventType.Create, decoded, cancellationToken).ConfigureAwait(false);
                }
                else if (known.ModRevision != revision)
                {
                    await EmitAsync(writer, RegistryEventType.Update, decoded, cancellationToken).ConfigureAwait(false);
                }
            }

            foreach (var (key, known) in _known)
            {
                if (!current.ContainsKey(key))
                {
                    await EmitAsync(writer, RegistryEventType.Delete, known.Service, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        _known.Clear();
        foreach (var (key, value) in current)
        {
            _known[key] = value;
        }

        _revision = response.Header.Revision;
        _clusterId = response.Header.ClusterId;
        _hasBaseline = true;
    }

    /// <summary>Watches from the next revision; returns when the prefix must be read again, throws when the stream fails.</summary>
    private async Task WatchUntilResyncAsync(ChannelWriter<RegistryEvent> writer, Action created, CancellationToken cancellationToken)
    {
        var key = ByteString.CopyFromUtf8(prefix);
        using var call = registry.Client.GetConnection().WatchClient.Watch(cancellationToken: cancellationToken);
        await call.RequestStream.WriteAsync(new WatchRequest
        {
            CreateRequest = new WatchCreateRequest
            {
                Key = key,
                RangeEnd = EtcdClient.GetRangeEnd(key),
                StartRevision = _revision + 1,
                PrevKv = true,
                ProgressNotify = true,
            },
        }, cancellationToken).ConfigureAwait(false);

        while (await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            var response = call.ResponseStream.Current;
            if (response.Canceled)
            {
                if (response.CompactRevision > 0)
                {
                    LogCompacted(prefix, _revision, response.CompactRevision);
                    return;
                }

                throw new InvalidOperationException($"etcd cancelled the watch: {response.CancelReason}");
            }

            if (response.Created)
            {
                if (response.Header.ClusterId != _clusterId)
                {
                    // A different cluster (etcd was rebuilt): its revisions mean nothing against ours.
                    LogClusterChanged(prefix);
                    return;
                }

                created();
                continue;
            }

            foreach (var change in response.Events)
            {
                await ApplyAsync(writer, change, cancellationToken).ConfigureAwait(false);
                _revision = Math.Max(_revision, change.Kv.ModRevision);
            }

            if (response.Events.Count == 0)
            {
                _revision = Math.Max(_revision, response.Header.Revision); // a progress notification
            }
        }

        throw new InvalidOperationException("etcd closed the watch stream");
    }

    private async Task ApplyAsync(ChannelWriter<RegistryEvent> writer, Event change, CancellationToken cancellationToken)
    {
        var key = change.Kv.Key.ToStringUtf8();
        if (change.Type == Event.Types.EventType.Put)
        {
            if (Decode(change.Kv) is not { } decoded)
            {
                _known.Remove(key);
                return;
            }

            var type = _known.ContainsKey(key) ? RegistryEventType.Update : RegistryEventType.Create;
            _known[key] = (change.Kv.ModRevision, decoded);
            await EmitAsync(writer, type, decoded, cancellationToken).ConfigureAwait(false);
            return;
        }

        var removed = _known.Remove(key, out var known) ? known.Service : null;
        removed ??= change.PrevKv is { } previous ? EtcdServiceCodec.TryDecode(previous.Value.Span) : null;
        removed ??= FromKey(key);
        if (removed is not null)
        {
            await EmitAsync(writer, RegistryEventType.Delete, removed, cancellationToken).ConfigureAwait(false);
        }
    }

    private MicroService? Decode(KeyValue kv)
    {
        var decoded = EtcdServiceCodec.TryDecode(kv.Value.Span);
        if (decoded is null)
        {
            registry.LogUndecodable(kv.Key.ToStringUtf8());
        }

        return decoded;
    }

    /// <summary>A delete for a key whose value was never seen: the names in the key are all there is.</summary>
    private MicroService? FromKey(string key)
        => registry.Keys.TrySplit(key, out var name, out var nodeId)
            ? new MicroService { Name = name, Nodes = [new MicroNode { Id = nodeId, Address = string.Empty }] }
            : null;

    private ValueTask EmitAsync(ChannelWriter<RegistryEvent> writer, RegistryEventType type, MicroService changed, CancellationToken cancellationToken)
        => service is not null && !string.Equals(changed.Name, service, StringComparison.Ordinal)
            ? ValueTask.CompletedTask
            : writer.WriteAsync(new RegistryEvent(type, changed, timeProvider.GetUtcNow()), cancellationToken);
}
