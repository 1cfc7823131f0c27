using System.Diagnostics.CodeAnalysis;
using MicroHosting.Server.Internal;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps MicroHosting RPC handlers onto Kestrel endpoints, minimal-API style.</summary>
public static class MicroEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps one endpoint, <c>Type.Method</c>, to a delegate. The endpoint answers natively at <c>POST /Type/Method</c>
    /// and Go Micro style at <c>POST /</c> with <c>Micro-Endpoint: Type.Method</c>.
    /// </summary>
    /// <param name="endpoints">The route builder (the <c>WebApplication</c>).</param>
    /// <param name="endpoint">The endpoint name, for example <c>Greeter.Hello</c>.</param>
    /// <param name="handler">
    /// The handler: <c>(TRequest request)</c>, <c>(TRequest, CancellationToken)</c>, <c>(TRequest, MicroContext)</c> or
    /// <c>(TRequest, MicroContext, CancellationToken)</c>, returning <c>Task&lt;TResponse&gt;</c>, <c>ValueTask&lt;TResponse&gt;</c> or <c>TResponse</c>.
    /// </param>
    /// <returns>A builder for ASP.NET conventions: endpoint filters (Go Micro's handler wrappers), authorization, rate limiting.</returns>
    /// <exception cref="InvalidOperationException">The name is not <c>Type.Method</c>, is mapped twice, or the delegate's signature is unsupported.</exception>
    /// <remarks>Needs a JIT (it builds the call with <c>MakeGenericMethod</c>); under Native AOT map a handler class with <see cref="MapMicroHandlers{THandler}"/>.</remarks>
    [RequiresDynamicCode(MicroHandlerFactory.DelegateNeedsJit)]
    public static IEndpointConventionBuilder MapMicroHandler(this IEndpointRouteBuilder endpoints, string endpoint, Delegate handler)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        MicroEndpointCatalog.ValidateName(endpoint);
        return GetDataSource(endpoints).Add([MicroHandlerFactory.FromDelegate(endpoint, handler)]);
    }

    /// <summary>
    /// Maps every public method of <typeparamref name="THandler"/> shaped like
    /// <c>Task&lt;TResponse&gt; Method(TRequest request, [MicroContext context], [CancellationToken cancellationToken])</c>
    /// to the endpoint <c>Type.Method</c>. The handler is taken from the container when registered there, otherwise
    /// created per call with its constructor dependencies injected.
    /// <para>
    /// The methods implementing an interface marked <see cref="MicroHosting.MicroContractAttribute"/> (implicitly or
    /// explicitly) are mapped under the contract's names instead, <c>Contract.Method</c> with the <c>Async</c> suffix
    /// dropped, which are the endpoints its generated client calls; <paramref name="name"/> does not apply to them.
    /// </para>
    /// <para>
    /// The MicroHosting source generator compiles the calls of <typeparamref name="THandler"/>'s methods at this call
    /// site, so mapping needs no runtime code generation and works under Native AOT.
    /// </para>
    /// </summary>
    /// <typeparam name="THandler">The handler class.</typeparam>
    /// <param name="endpoints">The route builder (the <c>WebApplication</c>).</param>
    /// <param name="name">The <c>Type</c> part of the endpoint names; the class name when <see langword="null"/>.</param>
    /// <returns>A builder whose conventions apply to all of the class's endpoints.</returns>
    public static IEndpointConventionBuilder MapMicroHandlers<[DynamicallyAccessedMembers(MicroHandlerFactory.HandlerMemberTypes)] THandler>(
        this IEndpointRouteBuilder endpoints,
        string? name = null)
        where THandler : class
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return GetDataSource(endpoints).Add(MicroHandlerFactory.FromType(typeof(THandler), name ?? typeof(THandler).Name));
    }

    /// <summary>Maps Go Micro's built-in <c>Debug.Health</c> and <c>Debug.Stats</c> only. Any other map call also maps them.</summary>
    /// <param name="endpoints">The route builder.</param>
    /// <returns>A builder for the debug endpoints' conventions.</returns>
    public static IEndpointConventionBuilder MapMicroHandlers(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return GetDataSource(endpoints).Add([]);
    }

    private static MicroEndpointDataSource GetDataSource(IEndpointRouteBuilder endpoints)
    {
        var dataSource = endpoints.DataSources.OfType<MicroEndpointDataSource>().FirstOrDefault();
        if (dataSource is null)
        {
            if (endpoints.ServiceProvider.GetService<MicroEndpointCatalog>() is null)
            {
                throw new InvalidOperationException(
                    "MapMicroHandlers needs the MicroHosting services: call builder.Services.AddMicro(...) before building the app.");
            }

            dataSource = new MicroEndpointDataSource(endpoints.ServiceProvider);
            endpoints.DataSources.Add(dataSource);
            dataSource.Add(DebugHandlers.Create());
            MicroHosting.Broker.Internal.HttpBrokerRouting.TryMap(endpoints); // the broker receives beside the handlers, as in Go Micro
        }

        return dataSource;
    }
}
