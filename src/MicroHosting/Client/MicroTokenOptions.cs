namespace MicroHosting.Client;

/// <summary>
/// The default <see cref="IMicroCredentialProvider"/>'s token, bound from <c>Micro:Client:Token</c> and from
/// <c>MICRO_CLIENT_TOKEN</c> / <c>MICRO_CLIENT_TOKEN_FILE</c>, which win over code. With neither a value nor a file,
/// calls carry no credential.
/// </summary>
public sealed class MicroTokenOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "Micro:Client:Token";

    /// <summary>Gets or sets the token (<c>MICRO_CLIENT_TOKEN</c>). Prefer <see cref="File"/>: a file can rotate and stays out of process listings.</summary>
    public string? Value { get; set; }

    /// <summary>
    /// Gets or sets a file holding the token (<c>MICRO_CLIENT_TOKEN_FILE</c>), for example a projected Kubernetes service
    /// account token. Read again when it changes (checked at most every <see cref="ReloadInterval"/>); wins over <see cref="Value"/>.
    /// </summary>
    public string? File { get; set; }

    /// <summary>Gets or sets the authorization scheme put before the token. Default <c>Bearer</c>.</summary>
    public string Scheme { get; set; } = "Bearer";

    /// <summary>
    /// Gets or sets whether the token is also sent to nodes without TLS. Default <see langword="false"/>: a token on a
    /// cleartext connection can be read by anyone on the path, so only <c>secure=true</c> nodes get it. Set it when TLS
    /// is provided around the process (a service mesh sidecar).
    /// </summary>
    public bool AllowCleartext { get; set; }

    /// <summary>Gets or sets how often <see cref="File"/> is checked for changes. Default 1 minute; zero checks on every call.</summary>
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromMinutes(1);
}
