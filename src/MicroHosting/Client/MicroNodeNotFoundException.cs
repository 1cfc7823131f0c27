namespace MicroHosting.Client;

/// <summary>
/// No node can serve the call: the registry knows none for the service, or none passes the call's filter. Code 500 and
/// detail <c>service &lt;name&gt;: not found</c>, as Go Micro's client reports it; never retried.
/// </summary>
public sealed class MicroNodeNotFoundException : MicroException
{
    /// <summary>Creates the error.</summary>
    /// <param name="service">The service name.</param>
    /// <param name="detail">The full detail text.</param>
    public MicroNodeNotFoundException(string service, string detail)
        : base(MicroClientErrors.Id, 500, detail)
    {
        Service = service;
    }

    /// <summary>Gets the service that has no usable node.</summary>
    public string Service { get; }
}
