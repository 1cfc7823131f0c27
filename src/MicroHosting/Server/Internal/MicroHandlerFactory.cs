using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using MicroHosting.Contracts.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Server.Internal;

/// <summary>
/// Turns a delegate or a handler class method into a <see cref="MicroHandler"/>. Reflection runs once, when the
/// endpoint is mapped; each call then goes through ordinary closed generic delegates (no reflection, no emit).
/// A class method uses the call the source generator compiled for it (<see cref="MicroHandlerBindings"/>) when there is
/// one, and <c>MakeGenericMethod</c> otherwise, which only a runtime with a JIT can do.
/// </summary>
internal static class MicroHandlerFactory
{
    internal const DynamicallyAccessedMemberTypes HandlerMemberTypes = DynamicallyAccessedMemberTypes.PublicMethods
        | DynamicallyAccessedMemberTypes.NonPublicMethods | DynamicallyAccessedMemberTypes.Interfaces | DynamicallyAccessedMemberTypes.PublicConstructors;

    internal const string DelegateNeedsJit =
        "MapMicroHandler with a Delegate builds its call with MakeGenericMethod, which Native AOT cannot do; map a handler class with MapMicroHandlers<THandler>() instead (the MicroHosting source generator compiles its calls).";

    private const string Shapes =
        "(TRequest request), (TRequest request, CancellationToken cancellationToken), (TRequest request, MicroContext context) " +
        "or (TRequest request, MicroContext context, CancellationToken cancellationToken), returning Task<TResponse>, ValueTask<TResponse> or TResponse; " +
        "for streams, IAsyncEnumerable<TRequest> in place of the request and/or IAsyncEnumerable<TResponse> as the return type";

    [RequiresDynamicCode(DelegateNeedsJit)]
    public static MicroHandler FromDelegate(string name, Delegate handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var method = handler.Method;
        var signature = Analyze(method, $"The handler for '{name}'");
        var funcType = FuncType(signature.Parameters, method.ReturnType);
        var typed = handler.GetType() == funcType ? handler : method.CreateDelegate(funcType, handler.Target);
        return (MicroHandler)typeof(MicroHandlerFactory).GetMethod(nameof(BuildFromDelegate), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(signature.Parameters[0], method.ReturnType, signature.RequestType, signature.ResponseType)
            .Invoke(null, [name, method, typed, signature])!;
    }

    public static IReadOnlyList<MicroHandler> FromType([DynamicallyAccessedMembers(HandlerMemberTypes)] Type handlerType, string typeName)
    {
        // The calls generated for this handler register from the calling assembly's module initializer, which has run by now.
        var factory = ActivatorUtilities.CreateFactory(handlerType, Type.EmptyTypes);
        var handlers = new List<MicroHandler>();
        var contractMethods = new HashSet<MethodInfo>();
        foreach (var contract in handlerType.GetInterfaces())
        {
            if (MicroContractNames.ContractName(contract) is not { } contractName)
            {
                continue;
            }

            // A contract's methods answer at the names its generated client calls, however the class implements them.
            // Methods with a default implementation in the interface are the contract's own code, not endpoints.
            var map = InterfaceMap(handlerType, contract);
            for (var i = 0; i < map.InterfaceMethods.Length; i++)
            {
                var method = map.TargetMethods[i];
                if (map.InterfaceMethods[i].IsAbstract && contractMethods.Add(method))
                {
                    var handler = FromMethod(handlerType, method, factory, MicroContractNames.EndpointName(contractName, map.InterfaceMethods[i]));
                    handler.Idempotent |= map.InterfaceMethods[i].IsDefined(typeof(MicroIdempotentAttribute), inherit: false);
                    handlers.Add(handler);
                }
            }
        }

        foreach (var method in handlerType.GetMethods(BindingFlags.Public | BindingFlags.Instance))
        {
            if (contractMethods.Contains(method) || method.DeclaringType == typeof(object) || method.IsSpecialName || method.IsGenericMethodDefinition || !IsHandlerReturn(method.ReturnType)
                || (method.Name == nameof(IAsyncDisposable.DisposeAsync) && method.GetParameters().Length == 0))
            {
                continue;
            }

            handlers.Add(FromMethod(handlerType, method, factory, $"{typeName}.{method.Name}"));
        }

        if (handlers.Count == 0)
        {
            throw new InvalidOperationException(
                $"{handlerType.Name} has no public handler methods. A handler method looks like: public Task<TResponse> Method(TRequest request, CancellationToken cancellationToken).");
        }

        return handlers;
    }

    // The generated registration (MicroHandlerBindings.KeepContract) keeps a contract's methods, which the map reads.
    [UnconditionalSuppressMessage("Trimming", "IL2067", Justification = "Contract interfaces are kept by the generated MicroHandlerBindings.KeepContract call.")]
    private static InterfaceMapping InterfaceMap([DynamicallyAccessedMembers(HandlerMemberTypes)] Type handlerType, Type contract)
        => handlerType.GetInterfaceMap(contract);

    private static MicroHandler FromMethod(Type handlerType, MethodInfo method, ObjectFactory factory, string name)
    {
        var signature = Analyze(method, $"Method {handlerType.Name}.{method.Name}");
        if (MicroHandlerBindings.Find(handlerType, method) is { } binding)
        {
            return binding.Build(name, method, factory);
        }

        if (!RuntimeFeature.IsDynamicCodeSupported)
        {
            throw new InvalidOperationException(
                $"Method {handlerType.Name}.{method.Name} has no generated handler call, and this runtime cannot create one (Native AOT). " +
                $"Map the class with a direct call to MapMicroHandlers<{handlerType.Name}>() in a project that uses the MicroHosting source generator " +
                "(it comes with the MicroHosting package; a project reference needs <ProjectReference Include=\".../MicroHosting.Generators.csproj\" OutputItemType=\"Analyzer\" ReferenceOutputAssembly=\"false\" />).");
        }

        return FromMethodWithJit(handlerType, method, factory, name, signature);
    }

    [RequiresDynamicCode("Builds the handler's call with MakeGenericMethod.")]
    private static MicroHandler FromMethodWithJit(Type handlerType, MethodInfo method, ObjectFactory factory, string name, Signature signature)
    {
        var parameters = new Type[signature.Parameters.Length + 1];
        parameters[0] = handlerType;
        signature.Parameters.CopyTo(parameters, 1);
        var open = method.CreateDelegate(FuncType(parameters, method.ReturnType));
        return (MicroHandler)typeof(MicroHandlerFactory).GetMethod(nameof(BuildFromInstance), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(handlerType, signature.Parameters[0], method.ReturnType, signature.RequestType, signature.ResponseType)
            .Invoke(null, [name, method, open, signature, factory])!;
    }

    private static bool IsHandlerReturn(Type returnType) =>
        returnType == typeof(Task) || returnType == typeof(ValueTask) || Generic(returnType) is { } definition
        && (definition == typeof(Task<>) || definition == typeof(ValueTask<>) || definition == typeof(IAsyncEnumerable<>));

    private static Type? Generic(Type type) => type.IsGenericType ? type.GetGenericTypeDefinition() : null;

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
        var definition = Generic(returnType);
        bool streamOut;
        Type responseType;
        if (definition == typeof(Task<>) || definition == typeof(ValueTask<>) || definition == typeof(IAsyncEnumerable<>))
        {
            responseType = returnType.GetGenericArguments()[0];
            streamOut = definition == typeof(IAsyncEnumerable<>);
        }
        else if (returnType == typeof(void) || returnType == typeof(Task) || returnType == typeof(ValueTask))
        {
            throw new InvalidOperationException($"{what} returns no response. Every RPC replies: use {Shapes}.");
        }
        else
        {
            responseType = returnType;
            streamOut = false;
        }

        var streamIn = Generic(parameters[0]) == typeof(IAsyncEnumerable<>);
        var requestType = streamIn ? parameters[0].GetGenericArguments()[0] : parameters[0];
        var kind = (streamIn, streamOut) switch
        {
            (false, false) => MicroStreamKind.Unary,
            (false, true) => MicroStreamKind.Server,
            (true, false) => MicroStreamKind.Client,
            _ => MicroStreamKind.Bidirectional,
        };
        return new Signature(parameters, requestType, responseType, shape, kind);
    }

    private static bool IsContextual(Type type) => type == typeof(CancellationToken) || type == typeof(MicroContext);

    [RequiresDynamicCode("Closes Func<> over the handler's types.")]
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

    private static MicroHandler BuildFromDelegate<TParam, TReturn, TRequest, TResponse>(string name, MethodInfo method, Delegate handler, Signature signature)
    {
        Func<TParam, MicroContext, TReturn> call = handler switch
        {
            Func<TParam, TReturn> f => (r, _) => f(r),
            Func<TParam, CancellationToken, TReturn> f => (r, c) => f(r, c.CancellationToken),
            Func<TParam, MicroContext, TReturn> f => f,
            Func<TParam, MicroContext, CancellationToken, TReturn> f => (r, c) => f(r, c, c.CancellationToken),
            _ => throw new InvalidOperationException($"Unsupported handler shape {signature.Shape}."),
        };
        return Build<TParam, TReturn, TRequest, TResponse>(name, method, call, signature.Kind);
    }

    private static MicroHandler BuildFromInstance<THandler, TParam, TReturn, TRequest, TResponse>(string name, MethodInfo method, Delegate open, Signature signature, ObjectFactory factory)
        where THandler : class
    {
        Func<TParam, MicroContext, TReturn> call = open switch
        {
            Func<THandler, TParam, TReturn> f => (r, c) => f(Resolve(c), r),
            Func<THandler, TParam, CancellationToken, TReturn> f => (r, c) => f(Resolve(c), r, c.CancellationToken),
            Func<THandler, TParam, MicroContext, TReturn> f => (r, c) => f(Resolve(c), r, c),
            Func<THandler, TParam, MicroContext, CancellationToken, TReturn> f => (r, c) => f(Resolve(c), r, c, c.CancellationToken),
            _ => throw new InvalidOperationException($"Unsupported handler shape {signature.Shape}."),
        };
        return Build<TParam, TReturn, TRequest, TResponse>(name, method, call, signature.Kind);

        // The handler comes from the container when registered there (any lifetime), otherwise it is created per call with its dependencies injected.
        THandler Resolve(MicroContext context)
        {
            var services = context.HttpContext.RequestServices;
            return services.GetService<THandler>() ?? (THandler)factory(services, null);
        }
    }

    private static MicroHandler Build<TParam, TReturn, TRequest, TResponse>(string name, MethodInfo method, Func<TParam, MicroContext, TReturn> call, MicroStreamKind kind)
    {
        switch (kind)
        {
            case MicroStreamKind.Unary:
            {
                var unary = (Func<TRequest, MicroContext, TReturn>)(object)call;
                var unwrap = Unwrap<TReturn, TResponse>();
                return new MicroHandler<TRequest, TResponse>(name, method, (request, context) => unwrap(unary(request, context)));
            }

            case MicroStreamKind.Server:
            {
                var server = (Func<TRequest, MicroContext, IAsyncEnumerable<TResponse>>)(object)call;
                return new MicroStreamHandler<TRequest, TResponse>(name, method, kind, (input, context) => MicroStreamAdapters.ServerStream(input, context, server));
            }

            case MicroStreamKind.Client:
            {
                var client = (Func<IAsyncEnumerable<TRequest>, MicroContext, TReturn>)(object)call;
                var unwrap = Unwrap<TReturn, TResponse>();
                return new MicroStreamHandler<TRequest, TResponse>(name, method, kind, (input, context) => MicroStreamAdapters.Single(unwrap(client(input, context))));
            }

            default:
                return new MicroStreamHandler<TRequest, TResponse>(name, method, kind, (Func<IAsyncEnumerable<TRequest>, MicroContext, IAsyncEnumerable<TResponse>>)(object)call);
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

    internal enum Shape
    {
        Request,
        RequestToken,
        RequestContext,
        RequestContextToken,
    }

    internal sealed record Signature(Type[] Parameters, Type RequestType, Type ResponseType, Shape Shape, MicroStreamKind Kind);
}
