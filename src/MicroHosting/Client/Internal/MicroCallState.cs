using MicroHosting.Codecs;

namespace MicroHosting.Client.Internal;

/// <summary>
/// One call's state, unary or stream: its immutable <see cref="Plan"/> and what happened on each attempt (the node
/// tried, its wire and codec, failures). Created before the call enters its pipeline, it has one carrier, the call's
/// request, and one way to it, <see cref="Get(HttpRequestMessage)"/>: a <see cref="MicroCallRequest"/> (every call made
/// through <see cref="MicroCaller"/>, and every stream) carries it itself; a raw request sent through a typed client's
/// own HttpClient carries it in its options. The HttpClient handlers read it from the request they are given; the retry
/// strategy from the request the Polly context points at
/// (<see cref="MicroHttpClientPipeline.GetCallRequest"/>).
/// </summary>
internal sealed class MicroCallState(MicroCallPlan plan)
{
    private static readonly HttpRequestOptionsKey<MicroCallState> Key = new("MicroHosting.Call");
    private NodeState? _tried0;
    private List<NodeState>? _tried;

    public MicroCallPlan Plan { get; } = plan;

    public string Service => Plan.Service;

    public string? Endpoint => Plan.Endpoint;

    /// <summary>Gets or sets the typed body, or <see langword="null"/> when the request carries its own content (a typed <see cref="HttpClient"/>) or the call is a stream.</summary>
    public MicroRequestBody? Body { get; init; }

    /// <summary>Gets the path and query of a raw request, sent as is to native nodes.</summary>
    public string? PathAndQuery { get; init; }

    /// <summary>Gets or sets the caller's own token, to tell the budget's timeout from the caller giving up.</summary>
    public CancellationToken CallerToken { get; set; }

    public int Attempts { get; private set; }

    /// <summary>Gets the node of the latest attempt.</summary>
    public NodeCandidate? Node { get; private set; }

    /// <summary>Gets the wire of the latest attempt (how its request is shaped and its reply read).</summary>
    public MicroWire? Wire { get; private set; }

    /// <summary>Gets the nodes of the service when the latest attempt's node was picked (its peers, for slow-node detection).</summary>
    public NodeCandidate[]? Peers { get; private set; }

    /// <summary>Gets whether the latest attempt is the probe of a node whose cool-down is over.</summary>
    public bool Probe { get; private set; }

    /// <summary>Gets or sets the codec of the latest attempt's request.</summary>
    public MicroCodec? RequestCodec { get; set; }

    /// <summary>Gets or sets the <c>Accept</c> the latest attempt's wire put on a typed call's request (<see cref="MicroWire.Accept"/>), or <see langword="null"/> for none.</summary>
    public string? Accept { get; set; }

    /// <summary>
    /// Gets or sets the wire that shaped the request last, whose protocol headers it carries: a retry on a node of another
    /// wire has them removed first (<see cref="MicroWire.RemoveHeaders"/>).
    /// </summary>
    public MicroWire? ShapedBy { get; set; }

    /// <summary>Gets or sets the wait before the next attempt that a node's <c>Retry-After</c> asks for, when no other node is left.</summary>
    public TimeSpan? RetryAfter { get; set; }

    /// <summary>Gets or sets whether the latest attempt ran out of its own time (not the call's).</summary>
    public bool AttemptTimedOut { get; set; }

    /// <summary>Gets or sets whether the latest attempt failed in a way that proves its request never reached a handler.</summary>
    public bool NotSent { get; set; }

    /// <summary>Gets or sets the status the latest failed attempt ended with (its error's code); 0 when no reply came.</summary>
    public int FailedStatus { get; set; }

    /// <summary>Gets the transport failures, one line per failed attempt; allocated on the first failure.</summary>
    public List<string>? Failures { get; private set; }

    public Exception? LastError { get; private set; }

    /// <summary>Gets whether the endpoint may run twice: as declared for the call, else as the latest attempt's node registered it.</summary>
    public bool IsIdempotent => Plan.Idempotent ?? (Endpoint is { } endpoint && Node is { } node && node.IsIdempotent(endpoint));

    /// <summary>Gets the state a call's request carries, or <see langword="null"/> for a request that is not a MicroHosting call's.</summary>
    public static MicroCallState? Get(HttpRequestMessage? request)
        => request is MicroCallRequest call ? call.State
            : request is not null && request.Options.TryGetValue(Key, out var state) ? state : null;

    /// <summary>Puts the state on a raw request (one not made as a <see cref="MicroCallRequest"/>).</summary>
    public void AttachTo(HttpRequestMessage request) => request.Options.Set(Key, this);

    /// <summary>Records the start of an attempt on <paramref name="node"/> (<see cref="MicroAttempt.BeginAsync"/>).</summary>
    public void Began(NodeCandidate node, NodeCandidate[]? peers, bool probe)
    {
        Node = node;
        Wire = MicroWire.For(node);
        Peers = peers;
        Probe = probe;
        Attempts++;
        AttemptTimedOut = false;
        NotSent = false;
        FailedStatus = 0;
        if (_tried0 is null)
        {
            _tried0 = node.State;
        }
        else
        {
            (_tried ??= []).Add(node.State);
        }
    }

    /// <summary>Marks a node as tried without an attempt (a hedge's first call went there).</summary>
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

    public void Failed(NodeCandidate node, Exception error)
    {
        (Failures ??= []).Add($"{node.Node.Id}@{node.Node.HostPort}: {error.Message}");
        LastError = error;
    }
}
