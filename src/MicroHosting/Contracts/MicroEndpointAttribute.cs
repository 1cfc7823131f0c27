namespace MicroHosting;

/// <summary>
/// Names the endpoint of one method of a <see cref="MicroContractAttribute">contract interface</see> when the method
/// name without its <c>Async</c> suffix is not the one the service uses.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class MicroEndpointAttribute : Attribute
{
    /// <summary>Initializes the attribute.</summary>
    /// <param name="name">The <c>Method</c> part of the endpoint name, for example <c>Hello</c> for <c>Greeter.Hello</c>.</param>
    public MicroEndpointAttribute(string name)
    {
        Name = name;
    }

    /// <summary>Gets the <c>Method</c> part of the endpoint name.</summary>
    public string Name { get; }
}
