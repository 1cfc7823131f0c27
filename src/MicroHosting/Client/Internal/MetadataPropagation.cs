using MicroHosting.Broker;
using MicroHosting.Internal;

namespace MicroHosting.Client.Internal;

/// <summary>
/// Which incoming metadata a call made inside a handler or subscriber passes on, as Go Micro's context metadata does: an RPC
/// handler's (<see cref="MicroContext.Current"/>) or a subscriber's (<see cref="MicroMessageContext.Current"/>). The one place
/// that decides it, for calls, streams and publishes; which entries pass (to downstream calls, streams and published
/// messages): an allow-list, so credentials and anything unknown stay on the hop they arrived on. Always allowed: Go Micro's
/// own <c>Micro-*</c> and <c>X-Micro-*</c> metadata (the routing headers and <c>Micro-Id</c> are not metadata;
/// <c>Micro-From-Service</c> is replaced by this service's name). Added: the names in
/// <see cref="MicroClientOptions.PropagatedHeaders"/>, exact or as a prefix ending in <c>*</c>. Never: the headers in
/// <see cref="Credentials"/>, whatever the list says. Tracing headers are not metadata the client copies: the HttpClient's
/// propagator sends the current W3C context.
/// </summary>
internal sealed class MetadataPropagation
{
    /// <summary>Credentials and cookies: never passed on implicitly. Send one on purpose with <c>MicroCallOptions.Metadata</c> or a credential provider.</summary>
    public static readonly HashSet<string> Credentials = new(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie",
    };

    private static readonly string[] BuiltInPrefixes = ["Micro-", "X-Micro-"];
    private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase);
    private readonly string[] _prefixes;

    public MetadataPropagation(IEnumerable<string> allowed)
    {
        var prefixes = new List<string>(BuiltInPrefixes);
        foreach (var entry in allowed)
        {
            var name = entry.Trim();
            if (name.EndsWith('*'))
            {
                prefixes.Add(name[..^1]);
            }
            else if (name.Length > 0)
            {
                _names.Add(name);
            }
        }

        _prefixes = [.. prefixes];
    }

    /// <summary>Gets the metadata of the message or call this code handles, or <see langword="null"/> outside a handler.</summary>
    public static IReadOnlyDictionary<string, string>? Inherited()
        => MicroMessageContext.Current?.Metadata ?? MicroContext.Current?.Metadata;

    /// <summary>Calls <paramref name="add"/> for each inherited entry that travels on.</summary>
    public void Propagate<TState>(TState state, Action<TState, string, string> add)
    {
        if (Inherited() is not { } metadata)
        {
            return;
        }

        foreach (var (key, value) in metadata)
        {
            if (Allows(key))
            {
                add(state, key, value);
            }
        }
    }

    /// <summary>Gets the filter for <paramref name="options"/>, built once per options instance.</summary>
    public static MetadataPropagation For(MicroClientOptions options) => options.Propagation ??= new MetadataPropagation(options.PropagatedHeaders);

    /// <summary>Gets whether incoming metadata <paramref name="key"/> travels on.</summary>
    public bool Allows(string key)
    {
        if (Credentials.Contains(key) || string.Equals(key, MicroHeaders.FromService, StringComparison.OrdinalIgnoreCase)
            || string.Equals(key, MicroHeaders.XFromService, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (_names.Contains(key))
        {
            return true;
        }

        foreach (var prefix in _prefixes)
        {
            if (key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Checks one <see cref="MicroClientOptions.PropagatedHeaders"/> entry; returns what to fix, or <see langword="null"/>.</summary>
    public static string? Validate(string entry)
    {
        var name = entry.Trim();
        var bare = name.EndsWith('*') ? name[..^1] : name;
        if (bare.Length == 0)
        {
            return $"Micro:Client:PropagatedHeaders has the entry '{entry}', which would pass on every header (credentials included). List header names, or prefixes such as 'X-Tenant-*'.";
        }

        if (bare.Contains('*', StringComparison.Ordinal) || !bare.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'+-.^_`|~".Contains(c, StringComparison.Ordinal)))
        {
            return $"Micro:Client:PropagatedHeaders has the entry '{entry}', which is not a header name (letters, digits, '-') or a prefix ending in '*'.";
        }

        foreach (var blocked in Credentials)
        {
            if (name.EndsWith('*') ? blocked.StartsWith(bare, StringComparison.OrdinalIgnoreCase) : string.Equals(blocked, bare, StringComparison.OrdinalIgnoreCase))
            {
                return $"Micro:Client:PropagatedHeaders has the entry '{entry}', which would pass on '{blocked}'. Credentials and cookies are never forwarded implicitly: "
                    + "send a credential on purpose with MicroCallOptions.Metadata or a credential provider (IMicroCredentialProvider), and leave it off this list.";
            }
        }

        return null;
    }
}
