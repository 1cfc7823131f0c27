namespace MicroHosting.Registry;

/// <summary>The kind of a <see cref="RegistryEvent"/>.</summary>
public enum RegistryEventType
{
    /// <summary>A node was registered.</summary>
    Create,

    /// <summary>A registered node changed (metadata, endpoints).</summary>
    Update,

    /// <summary>A node was deregistered or expired.</summary>
    Delete,
}
