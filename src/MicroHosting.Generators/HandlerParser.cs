using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace MicroHosting.Generators;

/// <summary>
/// Reads a handler class the way MicroHandlerFactory does at run time (contract methods first, then public instance
/// methods), keeping the methods whose shape it supports; others are left to the runtime, which reports them.
/// </summary>
internal static class HandlerParser
{
    private const string ContractAttribute = "MicroHosting.MicroContractAttribute";
    private const string ContextType = "MicroHosting.MicroContext";
    private const string TokenType = "System.Threading.CancellationToken";

    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    private static readonly SymbolDisplayFormat TypeOfFormat = SymbolDisplayFormat.FullyQualifiedFormat;

    public static HandlerModel? Parse(ITypeSymbol type, Compilation compilation)
    {
        if (type is not INamedTypeSymbol handler || handler.TypeKind != TypeKind.Class || handler.IsUnboundGenericType
            || ContainsTypeParameter(handler) || !compilation.IsSymbolAccessibleWithin(handler, compilation.Assembly))
        {
            return null;
        }

        var bindings = ImmutableArray.CreateBuilder<HandlerBinding>();
        var contracts = ImmutableArray.CreateBuilder<string>();
        var mapped = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        foreach (var contract in handler.AllInterfaces)
        {
            if (!contract.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == ContractAttribute))
            {
                continue;
            }

            var contractAccessible = compilation.IsSymbolAccessibleWithin(contract, compilation.Assembly);
            if (contractAccessible)
            {
                contracts.Add(contract.ToDisplayString(TypeOfFormat));
            }

            foreach (var member in contract.GetMembers().OfType<IMethodSymbol>())
            {
                if (!member.IsAbstract || member.MethodKind != MethodKind.Ordinary
                    || handler.FindImplementationForInterfaceMember(member) is not IMethodSymbol implementation || !mapped.Add(implementation))
                {
                    continue;
                }

                // An explicit implementation is private: call it through the interface.
                var target = implementation.DeclaredAccessibility == Accessibility.Public && implementation.ExplicitInterfaceImplementations.IsEmpty
                    ? "h"
                    : contractAccessible ? $"(({contract.ToDisplayString(TypeFormat)})h)" : null;
                if (target is not null && Bind(implementation, member, target, compilation) is { } binding)
                {
                    bindings.Add(binding);
                }
            }
        }

        var seen = new HashSet<string>();
        for (var current = handler; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            foreach (var method in current.GetMembers().OfType<IMethodSymbol>())
            {
                if (method.MethodKind != MethodKind.Ordinary || method.DeclaredAccessibility != Accessibility.Public || method.IsStatic
                    || method.IsGenericMethod || mapped.Contains(method) || (method.OverriddenMethod is { } overridden && mapped.Contains(overridden)))
                {
                    continue;
                }

                if (Bind(method, method, "h", compilation) is { } binding
                    && seen.Add(binding.MetadataName + "(" + string.Join(",", binding.ParameterTypes) + ")"))
                {
                    bindings.Add(binding);
                }
            }
        }

        return new HandlerModel(handler.ToDisplayString(TypeOfFormat), new(contracts.ToImmutable()), new(bindings.ToImmutable()));
    }

    private static HandlerBinding? Bind(IMethodSymbol implementation, IMethodSymbol called, string target, Compilation compilation)
    {
        var parameters = implementation.Parameters;
        if (parameters.Length is < 1 or > 3 || IsContextual(parameters[0].Type) || parameters.Any(p => p.RefKind != RefKind.None))
        {
            return null;
        }

        var withContext = parameters.Length >= 2 && parameters[1].Type.ToDisplayString() == ContextType;
        var withToken = parameters.Length == 3 || (parameters.Length == 2 && !withContext);
        if ((parameters.Length == 2 && !withContext && parameters[1].Type.ToDisplayString() != TokenType)
            || (parameters.Length == 3 && (!withContext || parameters[2].Type.ToDisplayString() != TokenType)))
        {
            return null;
        }

        var requestParameter = parameters[0].Type;
        var streamIn = StreamElement(requestParameter);
        var request = streamIn ?? requestParameter;
        var returnType = implementation.ReturnType;
        var (response, wrap, streamOut) = Reply(returnType);
        if (response is null || !Accessible(compilation, requestParameter, returnType, implementation))
        {
            return null;
        }

        var arguments = "r" + (withContext ? ", c" : string.Empty) + (withToken ? ", c.CancellationToken" : string.Empty);
        var call = $"{target}.{called.Name}({arguments})";
        call = wrap ? $"new global::System.Threading.Tasks.ValueTask<{response.ToDisplayString(TypeFormat)}>({call})" : call;
        var registration = (streamIn is not null, streamOut) switch
        {
            (false, false) => "Unary",
            (false, true) => "ServerStream",
            (true, false) => "ClientStream",
            _ => "Duplex",
        };
        return new HandlerBinding(
            registration,
            implementation.MetadataName,
            request.ToDisplayString(TypeFormat),
            response.ToDisplayString(TypeFormat),
            new([.. parameters.Select(p => p.Type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(TypeOfFormat))]),
            call);
    }

    private static (ITypeSymbol? Response, bool Wrap, bool Stream) Reply(ITypeSymbol returnType)
    {
        if (returnType.SpecialType == SpecialType.System_Void || returnType is not INamedTypeSymbol named)
        {
            return (null, false, false);
        }

        var definition = named.IsGenericType ? named.ConstructedFrom.ToDisplayString() : named.ToDisplayString();
        return definition switch
        {
            "System.Threading.Tasks.Task<TResult>" => (named.TypeArguments[0], true, false),
            "System.Threading.Tasks.ValueTask<TResult>" => (named.TypeArguments[0], false, false),
            "System.Collections.Generic.IAsyncEnumerable<T>" => (named.TypeArguments[0], false, true),
            "System.Threading.Tasks.Task" or "System.Threading.Tasks.ValueTask" => (null, false, false),
            _ => (returnType, true, false),
        };
    }

    private static ITypeSymbol? StreamElement(ITypeSymbol type)
        => type is INamedTypeSymbol { IsGenericType: true } named && named.ConstructedFrom.ToDisplayString() == "System.Collections.Generic.IAsyncEnumerable<T>"
            ? named.TypeArguments[0]
            : null;

    private static bool IsContextual(ITypeSymbol type) => type.ToDisplayString() is ContextType or TokenType;

    private static bool Accessible(Compilation compilation, ITypeSymbol request, ITypeSymbol returnType, IMethodSymbol method)
        => compilation.IsSymbolAccessibleWithin(request, compilation.Assembly) && compilation.IsSymbolAccessibleWithin(returnType, compilation.Assembly)
            && !ContainsTypeParameter(request) && !ContainsTypeParameter(returnType)
            && (method.DeclaredAccessibility != Accessibility.Public || compilation.IsSymbolAccessibleWithin(method, compilation.Assembly));

    private static bool ContainsTypeParameter(ITypeSymbol type) => type switch
    {
        ITypeParameterSymbol => true,
        IArrayTypeSymbol array => ContainsTypeParameter(array.ElementType),
        INamedTypeSymbol named => named.TypeArguments.Any(ContainsTypeParameter) || (named.ContainingType is { } outer && ContainsTypeParameter(outer)),
        _ => false,
    };
}
