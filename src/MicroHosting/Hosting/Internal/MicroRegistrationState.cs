namespace MicroHosting.Hosting.Internal;

/// <summary>Whether this node is registered right now, for the health check and <c>Debug.Health</c>.</summary>
internal sealed class MicroRegistrationState
{
    private volatile string? _lastError;
    private volatile bool _registered;

    public bool Registered => _registered;

    public string? LastError => _lastError;

    public Registry.MicroService? Service { get; set; }

    public void Succeeded()
    {
        _registered = true;
        _lastError = null;
    }

    public void Failed(string error)
    {
        _registered = false;
        _lastError = error;
    }

    public void Deregistered() => _registered = false;
}
