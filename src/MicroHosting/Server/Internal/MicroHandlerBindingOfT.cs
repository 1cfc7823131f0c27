using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Server.Internal;

/// <summary>A generated binding for one handler method of <typeparamref name="THandler"/>, in one of the four stream kinds.</summary>
internal sealed class MicroHandlerBinding<THandler, TRequest, TResponse>(string methodName, Type[] parameters, Delegate invoke)
    : MicroHandlerBinding(typeof(THandler), methodName, parameters)
    where THandler : class
{
    public override MicroHandler Build(string name, MethodInfo method, ObjectFactory factory)
    {
        return invoke switch
        {
            Func<THandler, TRequest, MicroContext, ValueTask<TResponse>> unary
                => new MicroHandler<TRequest, TResponse>(name, method, (request, context) => unary(Resolve(context), request, context)),
            Func<THandler, TRequest, MicroContext, IAsyncEnumerable<TResponse>> server
                => new MicroStreamHandler<TRequest, TResponse>(name, method, MicroStreamKind.Server, (input, context) =>
                    MicroStreamAdapters.ServerStream<TRequest, TResponse>(input, context, (request, c) => server(Resolve(c), request, c))),
            Func<THandler, IAsyncEnumerable<TRequest>, MicroContext, ValueTask<TResponse>> client
                => new MicroStreamHandler<TRequest, TResponse>(name, method, MicroStreamKind.Client, (input, context) =>
                    MicroStreamAdapters.Single(client(Resolve(context), input, context))),
            Func<THandler, IAsyncEnumerable<TRequest>, MicroContext, IAsyncEnumerable<TResponse>> duplex
                => new MicroStreamHandler<TRequest, TResponse>(name, method, MicroStreamKind.Bidirectional, (input, context) => duplex(Resolve(context), input, context)),
            _ => throw new InvalidOperationException($"The generated binding of {typeof(THandler).Name}.{method.Name} has an unknown shape; rebuild with the matching MicroHosting generator."),
        };

        // As MicroHandlerFactory does: from the container when registered there (any lifetime), otherwise created per call.
        THandler Resolve(MicroContext context)
        {
            var services = context.HttpContext.RequestServices;
            return services.GetService<THandler>() ?? (THandler)factory(services, null);
        }
    }
}
