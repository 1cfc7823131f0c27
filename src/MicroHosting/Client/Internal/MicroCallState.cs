using MicroHosting.Codecs;

namespace MicroHosting.Client.Internal;

/// <summary>
/// Everything one call carries through the HttpClient pipeline (it rides in a <see cref="MicroCallRequest"/>, or in
/// <see cref="HttpRequestMessage.Options"/> for a request sent through a typed client's own HttpClient):
/// what to call, the resolved options, and what happened on each attempt.
/// </summary>
internal sealed class MicroCallState
{
    public static readonly HttpRequestOptionsKey<MicroCallState> Key = new("MicroHosting.Call");

    /// <summary>The call's state in the Polly <see cref="Polly.ResilienceContext"/> of its execution.</summary>
    public static readonly Polly.ResiliencePropertyKey<MicroCallState> ResilienceKey = new("MicroHosting.Call");

    public MicroCallState(string service, string? endpoint, MicroRequestBody? body, bool protobufTypes, MicroCallOptions? options)
    {
        Service = service;
        Endpoint = endpoint;
        Body = body;
        ProtobufTypes = protobufTypes;
        Options = options;
    }

    public string Service { get; }

    /// <summary>Gets the endpoint, <c>Type.Method</c>; <see langword="null"/> for a raw request whose path is not <c>/Type/Method</c>.</summary>
    public string? Endpoint { get; }

    /// <summary>Gets the typed body, or <see langword="null"/> when the request carries its own content (a typed <see cref="HttpClient"/>).</summary>
    public MicroRequestBody? Body { get; }

    /// <summary>Gets whether both message types are protobuf messages, so protobuf may be used.</summary>
    public bool ProtobufTypes { get; }

    public MicroCallOptions? Options { get; }

    /// <summary>Gets whether the call is a stream: only MicroHosting nodes serve it, and it has no deadline unless one is set.</summary>
    public bool Stream { get; init; }

    /// <summary>Gets whether the call has a deadline; a stream without a timeout has none.</summary>
    public bool HasDeadline => Deadline != long.MaxValue;

    /// <summary>Gets or sets the path and query of a raw request, sent as is to native nodes.</summary>
    public string? PathAndQuery { get; set; }

    /// <summary>Gets or sets whether the setup handler has resolved the options below.</summary>
    public bool Prepared { get; set; }

    public int Retries { get; set; }

    /// <summary>Gets or sets whether the call, its typed client or the service's policy declared the endpoint idempotent (or not); <see langword="null"/>: as the node's registration says.</summary>
    public bool? Idempotent { get; set; }

    /// <summary>Gets or sets the configured longest attempt; <see langword="null"/>: half the remaining budget when a retry may follow.</summary>
    public TimeSpan? AttemptTimeout { get; set; }

    /// <summary>Gets or sets the service's retry budget.</summary>
    public RetryBudget? RetryBudget { get; set; }

    /// <summary>Gets or sets the caller's own token, to tell the budget's timeout from the caller giving up.</summary>
    public CancellationToken CallerToken { get; set; }

    /// <summary>Gets or sets the nodes of the service when the latest attempt's node was picked (its peers, for slow-node detection).</summary>
    public NodeCandidate[]? Peers { get; set; }

    /// <summary>Gets or sets whether the latest attempt is the probe of a node whose cool-down is over.</summary>
    public bool Probe { get; set; }

    /// <summary>Gets or sets the wait before the next attempt that a node's <c>Retry-After</c> asks for, when no other node is left.</summary>
    public TimeSpan? RetryAfter { get; set; }

    /// <summary>Gets or sets whether the latest attempt ran out of its own time (not the call's).</summary>
    public bool AttemptTimedOut { get; set; }

    /// <summary>Gets or sets whether the latest attempt failed in a way that proves its request never reached a handler.</summary>
    public bool NotSent { get; set; }

    public TimeSpan Budget { get; set; }

    /// <summary>Gets or sets whether <see cref="Budget"/> is what was left of the calling handler's deadline.</summary>
    public bool BudgetFromCaller { get; set; }

    /// <summary>Gets or sets the deadline, in UTC ticks.</summary>
    public long Deadline { get; set; }

    /// <summary>Gets or sets the codec every attempt uses, when the call or client fixed the content type.</summary>
    public MicroCodec? Codec { get; set; }

    public MicroNodeFilter? Filter { get; set; }

    public IMicroNodeSelector? Selector { get; set; }

    public string? Address { get; set; }

    /// <summary>Gets or sets the node of the latest attempt.</summary>
    public NodeCandidate? Node { get; set; }

    /// <summary>Gets or sets the codec of the latest attempt's request.</summary>
    public MicroCodec? RequestCodec { get; set; }

    public int Attempts { get; set; }

    /// <summary>Gets or sets whether the latest attempt went Go Micro style (headers added).</summary>
    public bool GoMicroHeaders { get; set; }

    /// <summary>Gets the transport failures, one line per failed attempt; allocated on the first failure.</summary>
    public List<string>? Failures { get; private set; }

    public Exception? LastError { get; private set; }

    private NodeState? _tried0;
    private List<NodeState>? _tried;

    public static MicroCallState? Get(HttpRequestMessage? request)
        => request is MicroCallRequest call ? call.State
            : request is not null && request.Options.TryGetValue(Key, out var state) ? state : null;

    public static MicroCallState? Get(Polly.ResilienceContext context)
        => context.Properties.TryGetValue(ResilienceKey, out var state) ? state : null;

    public void Tried(NodeState node)
    {
        if (_tried0 is null)
        {
            _tried0 = node;
        }
        else
        {
            (_tried ??= []).Add(node);
        }
    }

    public bool HasTried(NodeState node) => ReferenceEquals(_tried0, node) || (_tried is not null && _tried.Contains(node));

    /// <summary>Gets whether the endpoint may run twice: as declared for the call, else as the latest attempt's node registered it.</summary>
    public bool IsIdempotent => Idempotent ?? (Endpoint is { } endpoint && Node is { } node && node.IsIdempotent(endpoint));

    public void Failed(NodeCandidate node, Exception error)
    {
        (Failures ??= []).Add($"{node.Node.Id}@{node.Node.HostPort}: {error.Message}");
        LastError = error;
    }
}
