namespace MicroHosting.Client;

/// <summary>
/// Every attempt of a call failed at the transport level (connection refused or reset, unreadable reply), on every node
/// tried. Code 500; the detail lists the nodes and their errors, and <see cref="Exception.InnerException"/> is the last error.
/// </summary>
public sealed class MicroNodesFailedException : MicroException
{
    /// <summary>Creates the error.</summary>
    /// <param name="service">The service name.</param>
    /// <param name="detail">The full detail text.</param>
    /// <param name="innerException">The last attempt's error.</param>
    public MicroNodesFailedException(string service, string detail, Exception? innerException)
        : base(MicroClientErrors.Id, 500, detail, innerException: innerException)
    {
        Service = service;
    }

    /// <summary>Gets the service whose nodes failed.</summary>
    public string Service { get; }
}
