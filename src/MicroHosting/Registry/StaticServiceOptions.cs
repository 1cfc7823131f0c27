namespace MicroHosting.Registry;

/// <summary>One service of the <c>static</c> registry.</summary>
public sealed class StaticServiceOptions
{
    /// <summary>Gets or sets the service name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Gets or sets the version. Default <c>latest</c>.</summary>
    public string Version { get; set; } = "latest";

    /// <summary>Gets the nodes' <c>ip:port</c> addresses.</summary>
    public IList<string> Addresses { get; } = [];

    /// <summary>
    /// Gets the metadata given to every node. Set <c>framework=microhosting</c> for MicroHosting nodes so clients use the
    /// native routes; without it they speak Go Micro's <c>POST /</c> protocol, which MicroHosting servers also answer.
    /// </summary>
    public IDictionary<string, string> Metadata { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
