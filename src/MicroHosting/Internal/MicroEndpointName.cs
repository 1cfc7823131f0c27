namespace MicroHosting.Internal;

/// <summary>
/// An endpoint name, <c>Type.Method</c>, and its native path <c>/Type/Method</c>: the one rule for what a name may be,
/// used by the server (mapping, routing, unknown-endpoint errors), the client (calls, raw requests, node URIs) and
/// telemetry. A valid name has one dot with text on both sides, and none of <c>/</c>, <c>?</c>, <c>#</c>, <c>{</c>,
/// <c>}</c> or spaces (they would break the path or the route pattern).
/// </summary>
internal readonly struct MicroEndpointName
{
    private const string Forbidden = "/ ?#{}";
    private readonly int _dot;

    private MicroEndpointName(string name, int dot)
    {
        Name = name;
        _dot = dot;
    }

    /// <summary>Gets the name, <c>Type.Method</c>.</summary>
    public string Name { get; }

    /// <summary>Gets the <c>Type</c> part.</summary>
    public string Type => Name[.._dot];

    /// <summary>Gets the <c>Method</c> part.</summary>
    public string Method => Name[(_dot + 1)..];

    /// <summary>Gets the native path, <c>/Type/Method</c>.</summary>
    public string Path => string.Concat("/", Name.AsSpan(0, _dot), "/", Name.AsSpan(_dot + 1));

    /// <summary>Reads a name; <see langword="false"/> when it breaks the rule.</summary>
    public static bool TryParse(string? name, out MicroEndpointName endpoint)
    {
        endpoint = default;
        if (string.IsNullOrEmpty(name))
        {
            return false;
        }

        var dot = name.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == name.Length - 1 || name.IndexOf('.', dot + 1) >= 0 || name.AsSpan().IndexOfAny(Forbidden) >= 0)
        {
            return false;
        }

        endpoint = new MicroEndpointName(name, dot);
        return true;
    }

    /// <summary>Gets whether <paramref name="name"/> is a valid <c>Type.Method</c>.</summary>
    public static bool IsValid(string? name) => TryParse(name, out _);

    /// <summary>Gets the native path of a name known to be valid.</summary>
    public static string PathOf(string name)
        => TryParse(name, out var endpoint) ? endpoint.Path : throw new ArgumentException($"Endpoint '{name}' is not of the form Type.Method (for example Greeter.Hello).", nameof(name));

    /// <summary>Gets whether a path has the shape of a native call, <c>/Type/Method</c>: two non-empty segments. Allocates nothing.</summary>
    public static bool IsPathShape(string? path)
    {
        if (path is not { Length: > 3 } || path[0] != '/')
        {
            return false;
        }

        var slash = path.IndexOf('/', 1);
        return slash > 1 && slash < path.Length - 1 && path.IndexOf('/', slash + 1) < 0;
    }

    /// <summary>Gets <c>Type.Method</c> from a path of <see cref="IsPathShape">the native shape</see>, valid or not (for messages).</summary>
    public static string NameOfPath(string path)
    {
        var slash = path.IndexOf('/', 1);
        return string.Concat(path.AsSpan(1, slash - 1), ".", path.AsSpan(slash + 1));
    }

    /// <summary>Reads the name from a native path <c>/Type/Method</c>; <see langword="false"/> for another shape or an invalid name.</summary>
    public static bool TryFromPath(string? path, out MicroEndpointName endpoint)
    {
        endpoint = default;
        return IsPathShape(path) && TryParse(NameOfPath(path!), out endpoint);
    }

    /// <summary>Splits any name at its first dot, for telemetry (<c>rpc.service</c>, <c>rpc.method</c>); a name without one is all type.</summary>
    public static (string Type, string Method) Split(string name)
    {
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? (name, string.Empty) : (name[..dot], name[(dot + 1)..]);
    }

    public override string ToString() => Name;
}
