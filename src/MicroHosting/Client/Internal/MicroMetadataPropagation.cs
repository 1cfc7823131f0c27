using MicroHosting.Broker;
using MicroHosting.Internal;

namespace MicroHosting.Client.Internal;

/// <summary>
/// Which metadata travels on from the call or message being handled to the calls and publishes it makes, as Go Micro's
/// context metadata does: an RPC handler's (<see cref="MicroContext.Current"/>) or a subscriber's
/// (<see cref="MicroMessageContext.Current"/>) metadata, less the headers that describe the previous hop (tracing, which
/// each hop sets itself; cookies; the previous caller's name). The one place that decides it, for calls, streams and publishes.
/// </summary>
internal static class MicroMetadataPropagation
{
    /// <summary>Incoming metadata that is not passed on.</summary>
    private static readonly HashSet<string> NotPropagated = new(StringComparer.OrdinalIgnoreCase)
    {
        "traceparent", "tracestate", "baggage", "Request-Id", "Correlation-Context", "Cookie",
        MicroHeaders.FromService, MicroHeaders.XFromService,
    };

    /// <summary>Gets the metadata of the message or call this code handles, or <see langword="null"/> outside a handler.</summary>
    public static IReadOnlyDictionary<string, string>? Inherited()
        => MicroMessageContext.Current?.Metadata ?? MicroContext.Current?.Metadata;

    /// <summary>Calls <paramref name="add"/> for each inherited entry that travels on.</summary>
    public static void Propagate<TState>(TState state, Action<TState, string, string> add)
    {
        if (Inherited() is not { } metadata)
        {
            return;
        }

        foreach (var (key, value) in metadata)
        {
            if (!NotPropagated.Contains(key))
            {
                add(state, key, value);
            }
        }
    }
}
