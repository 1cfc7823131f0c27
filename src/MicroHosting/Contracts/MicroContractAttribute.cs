namespace MicroHosting;

/// <summary>
/// Marks an interface as a service contract shared by server and client. On the client, the MicroHosting source
/// generator implements it, so <c>builder.Services.AddMicroClient&lt;IGreeter&gt;("greeter")</c> gives a typed client
/// with no hand-written code. On the server, a class implementing it, mapped with <c>app.MapMicroHandlers&lt;T&gt;()</c>,
/// serves exactly the endpoint names the client calls.
/// </summary>
/// <remarks>
/// Each method is the endpoint <c>Name.Method</c>: <see cref="Name"/>, a dot, and the method name without its
/// <c>Async</c> suffix (or <see cref="MicroEndpointAttribute.Name"/>). Supported methods:
/// <c>Task&lt;TResponse&gt;</c> or <c>ValueTask&lt;TResponse&gt;</c> <c>M(TRequest request)</c> (unary),
/// <c>IAsyncEnumerable&lt;TResponse&gt; M(TRequest request)</c> (server stream) and
/// <c>Task&lt;TResponse&gt; M(IAsyncEnumerable&lt;TRequest&gt; requests)</c> (client stream), each optionally with a last
/// <see cref="CancellationToken"/> parameter. Anything else is a compile-time error (<c>MICRO001</c>–<c>MICRO005</c>).
/// </remarks>
[AttributeUsage(AttributeTargets.Interface, Inherited = false)]
public sealed class MicroContractAttribute : Attribute
{
    /// <summary>Initializes the attribute with the interface name without its leading <c>I</c> as the endpoint prefix.</summary>
    public MicroContractAttribute()
    {
    }

    /// <summary>Initializes the attribute with an explicit endpoint prefix.</summary>
    /// <param name="name">The <c>Type</c> part of the endpoint names, for example <c>Greeter</c>.</param>
    public MicroContractAttribute(string name)
    {
        Name = name;
    }

    /// <summary>Gets the <c>Type</c> part of the endpoint names; <see langword="null"/> for the interface name without its leading <c>I</c>.</summary>
    public string? Name { get; }
}
