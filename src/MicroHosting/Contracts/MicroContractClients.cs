using System.ComponentModel;
using System.Runtime.CompilerServices;
using MicroHosting.Client;

namespace MicroHosting;

/// <summary>
/// The generated implementations of <see cref="MicroContractAttribute">contract interfaces</see>, by interface. The
/// MicroHosting source generator registers each one from a module initializer of the contract's assembly;
/// <c>AddMicroClient&lt;TContract&gt;</c> looks them up. Not meant to be called by hand.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class MicroContractClients
{
    private static readonly Dictionary<Type, Delegate> Factories = [];
    private static readonly Lock Gate = new();

    /// <summary>Registers the generated client of <typeparamref name="TContract"/>. Called by generated code.</summary>
    /// <typeparam name="TContract">The contract interface.</typeparam>
    /// <param name="factory">Creates the generated client over a service client.</param>
    public static void Register<TContract>(Func<MicroServiceClient, TContract> factory)
        where TContract : class
    {
        ArgumentNullException.ThrowIfNull(factory);
        lock (Gate)
        {
            Factories[typeof(TContract)] = factory;
        }
    }

    internal static Func<MicroServiceClient, TContract> Get<TContract>()
        where TContract : class
    {
        if (TryGet<TContract>() is { } factory)
        {
            return factory;
        }

        // The runtime runs a module's initializer before the module's code is used; should registration come first
        // (only the interface named so far), run it now. The runtime runs it at most once, so this is harmless.
        RuntimeHelpers.RunModuleConstructor(typeof(TContract).Module.ModuleHandle);
        return TryGet<TContract>() ?? throw new InvalidOperationException(
            $"{typeof(TContract).Name} is an interface without a generated MicroHosting client. Mark it [MicroContract] and build its project " +
            "with the MicroHosting source generator (it comes with the MicroHosting package; a project reference needs " +
            "<ProjectReference Include=\".../MicroHosting.Generators.csproj\" OutputItemType=\"Analyzer\" ReferenceOutputAssembly=\"false\" />), " +
            "or register a class instead.");
    }

    private static Func<MicroServiceClient, TContract>? TryGet<TContract>()
    {
        lock (Gate)
        {
            return Factories.TryGetValue(typeof(TContract), out var factory) ? (Func<MicroServiceClient, TContract>)factory : null;
        }
    }
}
