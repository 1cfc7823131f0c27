using System.Reflection;
using Microsoft.AspNetCore.Http;

namespace MicroHosting.Server.Internal;

/// <summary>One endpoint's handler, independent of how it was declared (delegate or class method).</summary>
internal abstract class MicroHandler(string name, MethodInfo method)
{
    /// <summary>Gets the endpoint name, <c>Type.Method</c>.</summary>
    public string Name { get; } = name;

    /// <summary>Gets the user's method, which endpoint filters see through <see cref="EndpointFilterFactoryContext"/>.</summary>
    public MethodInfo Method { get; } = method;

    public abstract Type RequestType { get; }

    public abstract Type ResponseType { get; }

    /// <summary>Gets or sets whether the handler was declared idempotent (<see cref="MicroIdempotentAttribute"/> on its method or its contract's).</summary>
    public bool Idempotent { get; set; } = method.IsDefined(typeof(MicroIdempotentAttribute), inherit: false);

    /// <summary>Gets or sets whether the endpoint is left out of the registry (Go Micro's <c>Debug.*</c>).</summary>
    public bool Hidden { get; set; }

    public abstract RequestDelegate CreateRequestDelegate(MicroServerRuntime runtime, EndpointFilterDelegate? filters);

    /// <summary>The innermost filter delegate: calls the handler with the arguments the filters may have replaced.</summary>
    public abstract EndpointFilterDelegate CreateFilterTarget();

    /// <summary>Gets what flows each way; streams are served over WebSockets.</summary>
    public virtual MicroStreamKind Kind => MicroStreamKind.Unary;
}
