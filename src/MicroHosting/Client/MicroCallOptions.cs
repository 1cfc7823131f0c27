namespace MicroHosting.Client;

/// <summary>
/// Options for one call (or, given to <c>AddMicroClient</c>, for every call of a typed client). Every property left
/// <see langword="null"/> falls back to the typed client's options, then to <see cref="MicroClientOptions"/>.
/// An instance may be shared by concurrent calls as long as nobody changes it.
/// </summary>
public sealed class MicroCallOptions
{
    /// <summary>
    /// Gets or sets the content type of the request (and of the reply asked for), for example <c>application/json</c>.
    /// Default: protobuf when the node advertises it and both message types are protobuf messages, otherwise JSON.
    /// </summary>
    public string? ContentType { get; set; }

    /// <summary>
    /// Gets or sets the time budget of the whole call, retries included. Inside a handler, the caller's remaining
    /// deadline caps it. Default <see cref="MicroClientOptions.RequestTimeout"/> (5 s). For a stream it is the deadline of
    /// the whole stream, from opening to the last message; a stream has no deadline unless this is set (on the call or
    /// the typed client) or the calling handler has one.
    /// </summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Gets or sets the longest one attempt may take. Default <see cref="MicroClientOptions.AttemptTimeout"/>.</summary>
    public TimeSpan? AttemptTimeout { get; set; }

    /// <summary>
    /// Gets or sets how many times a failed attempt is retried, each time on another node when there is one. Default
    /// <see cref="MicroClientOptions.Retries"/> (1). An attempt is retried when it provably did not reach a handler
    /// (connection refused, 503, stream refused), or, for an idempotent endpoint, also after a 500, 502, 504, 408 or a timeout.
    /// </summary>
    public int? Retries { get; set; }

    /// <summary>
    /// Gets or sets whether the endpoint is idempotent (safe to run twice), so that a failure after the request reached the
    /// handler is retried too. Default: as the endpoint declares in the registry (<c>MicroIdempotentAttribute</c> or
    /// <c>.Idempotent()</c> on the server), or as <see cref="MicroServicePolicy"/> configures.
    /// </summary>
    public bool? Idempotent { get; set; }

    /// <summary>Gets or sets which nodes may serve the call; see <see cref="MicroNodeFilters"/>. Default: every node.</summary>
    public MicroNodeFilter? Filter { get; set; }

    /// <summary>Gets or sets the selector that picks a node among the candidates. Default: the one <see cref="MicroClientOptions.Selector"/> names.</summary>
    public IMicroNodeSelector? Selector { get; set; }

    /// <summary>
    /// Gets or sets a fixed <c>host:port</c> to call instead of asking the registry (Go Micro's <c>WithAddress</c>).
    /// The call uses Go Micro's <c>POST /</c> protocol, which MicroHosting servers also answer; a stream assumes a
    /// MicroHosting node there (Go Micro's HTTP transport has no streams). <c>https://host:port</c> calls a node serving TLS,
    /// with the client's trust settings (<c>Micro:Tls:CaFile</c>).
    /// </summary>
    public string? Address { get; set; }

    /// <summary>Gets or sets metadata sent with the call as headers; it adds to (and overrides) the metadata inherited from the calling handler.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; set; }
}
