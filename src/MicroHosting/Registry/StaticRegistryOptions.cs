namespace MicroHosting.Registry;

/// <summary>
/// Services and nodes listed in configuration, for the <c>static</c> registry (<c>MICRO_REGISTRY=static</c>), bound from
/// <c>Micro:Static</c>. Example: <c>"Micro": { "Static": { "Services": [ { "Name": "greeter", "Addresses": [ "127.0.0.1:8081" ] } ] } }</c>.
/// </summary>
public sealed class StaticRegistryOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "Micro:Static";

    /// <summary>Gets the listed services.</summary>
    public IList<StaticServiceOptions> Services { get; } = [];
}
