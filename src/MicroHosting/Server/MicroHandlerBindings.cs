using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using MicroHosting.Server.Internal;

namespace MicroHosting;

/// <summary>
/// The handler calls the MicroHosting source generator compiles for each <c>MapMicroHandlers&lt;THandler&gt;()</c>, registered
/// from a module initializer of the calling assembly. With them, mapping a handler class needs no
/// <c>MakeGenericMethod</c>, so it works under Native AOT. Not meant to be called by hand.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class MicroHandlerBindings
{
    private static readonly List<MicroHandlerBinding> Bindings = [];
    private static readonly Lock Gate = new();

    /// <summary>Registers a unary handler method. Called by generated code.</summary>
    /// <typeparam name="THandler">The handler class.</typeparam>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TResponse">The response type.</typeparam>
    /// <param name="method">The method's metadata name.</param>
    /// <param name="parameters">The method's parameter types, which tell overloads apart.</param>
    /// <param name="invoke">Calls the method on a handler instance.</param>
    public static void Unary<THandler, TRequest, TResponse>(string method, Type[] parameters, Func<THandler, TRequest, MicroContext, ValueTask<TResponse>> invoke)
        where THandler : class
        => Add(new MicroHandlerBinding<THandler, TRequest, TResponse>(method, parameters, invoke));

    /// <summary>Registers a server-streaming handler method. Called by generated code.</summary>
    /// <typeparam name="THandler">The handler class.</typeparam>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TResponse">The response message type.</typeparam>
    /// <param name="method">The method's metadata name.</param>
    /// <param name="parameters">The method's parameter types.</param>
    /// <param name="invoke">Calls the method on a handler instance.</param>
    public static void ServerStream<THandler, TRequest, TResponse>(string method, Type[] parameters, Func<THandler, TRequest, MicroContext, IAsyncEnumerable<TResponse>> invoke)
        where THandler : class
        => Add(new MicroHandlerBinding<THandler, TRequest, TResponse>(method, parameters, invoke));

    /// <summary>Registers a client-streaming handler method. Called by generated code.</summary>
    /// <typeparam name="THandler">The handler class.</typeparam>
    /// <typeparam name="TRequest">The request message type.</typeparam>
    /// <typeparam name="TResponse">The response type.</typeparam>
    /// <param name="method">The method's metadata name.</param>
    /// <param name="parameters">The method's parameter types.</param>
    /// <param name="invoke">Calls the method on a handler instance.</param>
    public static void ClientStream<THandler, TRequest, TResponse>(string method, Type[] parameters, Func<THandler, IAsyncEnumerable<TRequest>, MicroContext, ValueTask<TResponse>> invoke)
        where THandler : class
        => Add(new MicroHandlerBinding<THandler, TRequest, TResponse>(method, parameters, invoke));

    /// <summary>Registers a bidirectional-streaming handler method. Called by generated code.</summary>
    /// <typeparam name="THandler">The handler class.</typeparam>
    /// <typeparam name="TRequest">The request message type.</typeparam>
    /// <typeparam name="TResponse">The response message type.</typeparam>
    /// <param name="method">The method's metadata name.</param>
    /// <param name="parameters">The method's parameter types.</param>
    /// <param name="invoke">Calls the method on a handler instance.</param>
    public static void Duplex<THandler, TRequest, TResponse>(string method, Type[] parameters, Func<THandler, IAsyncEnumerable<TRequest>, MicroContext, IAsyncEnumerable<TResponse>> invoke)
        where THandler : class
        => Add(new MicroHandlerBinding<THandler, TRequest, TResponse>(method, parameters, invoke));

    /// <summary>
    /// Keeps a contract interface's methods for reflection under trimming: the handler mapping reads the interface map
    /// of a class implementing it. Called by generated code.
    /// </summary>
    /// <param name="contract">The contract interface.</param>
    public static void KeepContract([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods)] Type contract)
        => ArgumentNullException.ThrowIfNull(contract);

    internal static MicroHandlerBinding? Find(Type handlerType, MethodInfo method)
    {
        lock (Gate)
        {
            foreach (var binding in Bindings)
            {
                if (binding.HandlerType == handlerType && binding.Matches(method))
                {
                    return binding;
                }
            }
        }

        return null;
    }

    private static void Add(MicroHandlerBinding binding)
    {
        lock (Gate)
        {
            Bindings.Add(binding);
        }
    }
}
