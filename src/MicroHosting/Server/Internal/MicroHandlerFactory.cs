using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Server.Internal;

/// <summary>
/// Turns a delegate or a handler class method into a <see cref="MicroHandler"/>. Reflection runs once, when the
/// endpoint is mapped; each call then goes through ordinary closed generic delegates (no reflection, no emit).
/// </summary>
internal static class MicroHandlerFactory
{
    private const string Shapes =
        "(TRequest request), (TRequest request, CancellationToken cancellationToken), (TRequest request, MicroContext context) " +
        "or (TRequest request, MicroContext context, CancellationToken cancellationToken), returning Task<TResponse>, ValueTask<TResponse> or TResponse";

    public static MicroHandler FromDelegate(string name, Delegate handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var method = handler.Method;
        var signature = Analyze(method, $"The handler for '{name}'");
        var funcType = FuncType(signature.Parameters, method.ReturnType);
        var typed = handler.GetType() == funcType ? handler : method.CreateDelegate(funcType, handler.Target);
        var create = typeof(MicroHandlerFactory).GetMethod(nameof(CreateDelegateHandler), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(signature.RequestType, method.ReturnType, signature.ResponseType);
        return (MicroHandler)create.Invoke(null, [name, method, typed, signature.Shape])!;
    }

    public static IReadOnlyList<MicroHandler> FromType(Type handlerType, string typeName)
    {
        var handlers = new List<MicroHandler>();
        foreach (var method in handlerType.GetMethods(BindingFlags.Public | BindingFlags.Instance))
        {
            if (method.DeclaringType == typeof(object) || method.IsSpecialName || method.IsGenericMethodDefinition || !IsAsyncOrValue(method.ReturnType)
                || (method.Name == nameof(IAsyncDisposable.DisposeAsync) && method.GetParameters().Length == 0))
            {
                continue;
            }

            var name = $"{typeName}.{method.Name}";
            var signature = Analyze(method, $"Method {handlerType.Name}.{method.Name}");
            var parameters = new Type[signature.Parameters.Length + 1];
            parameters[0] = handlerType;
            signature.Parameters.CopyTo(parameters, 1);
            var open = method.CreateDelegate(FuncType(parameters, method.ReturnType));
            var create = typeof(MicroHandlerFactory).GetMethod(nameof(CreateInstanceHandler), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(handlerType, signature.RequestType, method.ReturnType, signature.ResponseType);
            handlers.Add((MicroHandler)create.Invoke(null, [name, method, open, signature.Shape])!);
        }

        if (handlers.Count == 0)
        {
            throw new InvalidOperationException(
                $"{handlerType.Name} has no public handler methods. A handler method looks like: public Task<TResponse> Method(TRequest request, CancellationToken cancellationToken).");
        }

        return handlers;
    }

    private static bool IsAsyncOrValue(Type returnType) =>
        returnType.IsGenericType && (returnType.GetGenericTypeDefinition() == typeof(Task<>) || returnType.GetGenericTypeDefinition() == typeof(ValueTask<>))
        || returnType == typeof(Task) || returnType == typeof(ValueTask);

    private static Signature Analyze(MethodInfo method, string what)
    {
        var parameters = method.GetParameters().Select(p => p.ParameterType).ToArray();
        var shape = parameters switch
        {
            [var r] when !IsContextual(r) => Shape.Request,
            [var r, var c] when !IsContextual(r) && c == typeof(CancellationToken) => Shape.RequestToken,
            [var r, var c] when !IsContextual(r) && c == typeof(MicroContext) => Shape.RequestContext,
            [var r, var c, var t] when !IsContextual(r) && c == typeof(MicroContext) && t == typeof(CancellationToken) => Shape.RequestContextToken,
            _ => throw new InvalidOperationException($"{what} has an unsupported signature. Use {Shapes}."),
        };

        var returnType = method.ReturnType;
        Type responseType;
        if (returnType.IsGenericType && (returnType.GetGenericTypeDefinition() == typeof(Task<>) || returnType.GetGenericTypeDefinition() == typeof(ValueTask<>)))
        {
            responseType = returnType.GetGenericArguments()[0];
        }
        else if (returnType == typeof(void) || returnType == typeof(Task) || returnType == typeof(ValueTask))
        {
            throw new InvalidOperationException($"{what} returns no response. Every RPC replies: use {Shapes}.");
        }
        else
        {
            responseType = returnType;
        }

        return new Signature(parameters, parameters[0], responseType, shape);
    }

    private static bool IsContextual(Type type) => type == typeof(CancellationToken) || type == typeof(MicroContext);

    private static Type FuncType(Type[] parameters, Type returnType)
    {
        var arguments = parameters.Append(returnType).ToArray();
        return arguments.Length switch
        {
            2 => typeof(Func<,>).MakeGenericType(arguments),
            3 => typeof(Func<,,>).MakeGenericType(arguments),
            4 => typeof(Func<,,,>).MakeGenericType(arguments),
            5 => typeof(Func<,,,,>).MakeGenericType(arguments),
            _ => throw new InvalidOperationException("Unsupported handler arity."),
        };
    }

    private static MicroHandler CreateDelegateHandler<TRequest, TReturn, TResponse>(string name, MethodInfo method, Delegate handler, Shape shape)
    {
        Func<TRequest, MicroContext, TReturn> call = shape switch
        {
            Shape.Request => Bind((Func<TRequest, TReturn>)handler),
            Shape.RequestToken => Bind((Func<TRequest, CancellationToken, TReturn>)handler),
            Shape.RequestContext => (Func<TRequest, MicroContext, TReturn>)handler,
            _ => Bind((Func<TRequest, MicroContext, CancellationToken, TReturn>)handler),
        };
        var unwrap = Unwrap<TReturn, TResponse>();
        return new MicroHandler<TRequest, TResponse>(name, method, (request, context) => unwrap(call(request, context)));

        static Func<TRequest, MicroContext, TReturn> Bind(Delegate d) => d switch
        {
            Func<TRequest, TReturn> f => (r, _) => f(r),
            Func<TRequest, CancellationToken, TReturn> f => (r, c) => f(r, c.CancellationToken),
            Func<TRequest, MicroContext, CancellationToken, TReturn> f => (r, c) => f(r, c, c.CancellationToken),
            _ => throw new InvalidOperationException("Unsupported handler shape."),
        };
    }

    private static MicroHandler CreateInstanceHandler<THandler, TRequest, TReturn, TResponse>(string name, MethodInfo method, Delegate open, Shape shape)
        where THandler : class
    {
        var factory = ActivatorUtilities.CreateFactory<THandler>([]);
        Func<TRequest, MicroContext, TReturn> call = open switch
        {
            Func<THandler, TRequest, TReturn> f => (r, c) => f(Resolve(c), r),
            Func<THandler, TRequest, CancellationToken, TReturn> f => (r, c) => f(Resolve(c), r, c.CancellationToken),
            Func<THandler, TRequest, MicroContext, TReturn> f => (r, c) => f(Resolve(c), r, c),
            Func<THandler, TRequest, MicroContext, CancellationToken, TReturn> f => (r, c) => f(Resolve(c), r, c, c.CancellationToken),
            _ => throw new InvalidOperationException($"Unsupported handler shape {shape}."),
        };
        var unwrap = Unwrap<TReturn, TResponse>();
        return new MicroHandler<TRequest, TResponse>(name, method, (request, context) => unwrap(call(request, context)));

        // The handler comes from the container when registered there (any lifetime), otherwise it is created per call with its dependencies injected.
        THandler Resolve(MicroContext context)
        {
            var services = context.HttpContext.RequestServices;
            return services.GetService<THandler>() ?? factory(services, null);
        }
    }

    private static Func<TReturn, ValueTask<TResponse>> Unwrap<TReturn, TResponse>()
    {
        if (typeof(TReturn) == typeof(Task<TResponse>))
        {
            return (Func<TReturn, ValueTask<TResponse>>)(object)(Func<Task<TResponse>, ValueTask<TResponse>>)(static t => new ValueTask<TResponse>(t));
        }

        if (typeof(TReturn) == typeof(ValueTask<TResponse>))
        {
            return (Func<TReturn, ValueTask<TResponse>>)(object)(Func<ValueTask<TResponse>, ValueTask<TResponse>>)(static t => t);
        }

        return (Func<TReturn, ValueTask<TResponse>>)(object)(Func<TResponse, ValueTask<TResponse>>)(static v => new ValueTask<TResponse>(v));
    }

    private enum Shape
    {
        Request,
        RequestToken,
        RequestContext,
        RequestContextToken,
    }

    private sealed record Signature(Type[] Parameters, Type RequestType, Type ResponseType, Shape Shape);
}
