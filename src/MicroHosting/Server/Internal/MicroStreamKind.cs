namespace MicroHosting.Server.Internal;

/// <summary>What flows in each direction of an endpoint.</summary>
internal enum MicroStreamKind
{
    /// <summary>One request, one response.</summary>
    Unary,

    /// <summary>One request, a stream of responses.</summary>
    Server,

    /// <summary>A stream of requests, one response.</summary>
    Client,

    /// <summary>A stream each way.</summary>
    Bidirectional,
}
