namespace MicroHosting.Cli;

/// <summary>The exit codes scripts can rely on (documented in the README).</summary>
internal static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>The service answered with an error (its error JSON is printed), or a node is unhealthy.</summary>
    public const int RemoteError = 1;

    /// <summary>Bad command line, bad JSON, or a configuration the tool cannot use.</summary>
    public const int Usage = 2;

    /// <summary>The service is not registered, or has no node that could be asked.</summary>
    public const int NotFound = 3;

    /// <summary>No answer: every node failed at the transport level, the registry or broker is unreachable, or the call timed out.</summary>
    public const int Unavailable = 4;

    /// <summary>Interrupted (Ctrl+C) before the command finished.</summary>
    public const int Interrupted = 130;
}
