using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace MicroHosting.Generators;

/// <summary>
/// Reads a <c>[MicroContract]</c> interface into a <see cref="ContractModel"/>. The naming rules match the server's
/// (MicroHosting's MicroContractNames): prefix = attribute name or interface name without its leading I; method =
/// [MicroEndpoint] name or method name without its Async suffix.
/// </summary>
internal static class ContractParser
{
    private const string EndpointAttribute = "MicroHosting.MicroEndpointAttribute";
    private const string Shapes =
        "use Task<TResponse> or ValueTask<TResponse> M(TRequest request), IAsyncEnumerable<TResponse> M(TRequest request) " +
        "or Task<TResponse> M(IAsyncEnumerable<TRequest> requests), each with an optional last CancellationToken parameter";

    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    public static ContractModel Parse(INamedTypeSymbol contract, AttributeData attribute, Compilation compilation)
    {
        var diagnostics = ImmutableArray.CreateBuilder<DiagnosticInfo>();
        var methods = ImmutableArray.CreateBuilder<ContractMethod>();
        var display = contract.ToDisplayString();
        var known = new KnownTypes(compilation);

        if (ShapeProblem(contract) is { } problem)
        {
            diagnostics.Add(DiagnosticInfo.Create(ContractDiagnostics.UnsupportedInterface, contract, display, problem));
        }

        var prefix = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as string : DefaultName(contract.Name);
        if (NameProblem(prefix) is { } prefixProblem)
        {
            diagnostics.Add(DiagnosticInfo.Create(ContractDiagnostics.InvalidEndpointName, contract, prefix ?? "", display, prefixProblem));
        }

        var endpoints = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in contract.GetMembers())
        {
            if (!member.IsAbstract)
            {
                // Default implementations and static helpers need no implementation.
                continue;
            }

            if (member.IsStatic)
            {
                diagnostics.Add(DiagnosticInfo.Create(ContractDiagnostics.UnsupportedMember, member, member.Name, display, "it is static abstract; a contract declares instance RPC methods only"));
                continue;
            }

            switch (member)
            {
                case IMethodSymbol { MethodKind: MethodKind.Ordinary } method:
                    if (ParseMethod(method, display, prefix ?? "", known, diagnostics) is { } parsed)
                    {
                        if (!endpoints.Add(parsed.Endpoint))
                        {
                            diagnostics.Add(DiagnosticInfo.Create(ContractDiagnostics.InvalidEndpointName, method, parsed.Endpoint, display,
                                "another method of the contract already calls it; rename one method or give it [MicroEndpoint(\"Name\")]"));
                        }

                        methods.Add(parsed);
                    }

                    break;
                case IMethodSymbol:
                    // Accessors of properties and events: reported with their property or event.
                    break;
                default:
                    diagnostics.Add(DiagnosticInfo.Create(ContractDiagnostics.UnsupportedMember, member, member.Name, display,
                        $"a contract declares only RPC methods, not a {member.Kind.ToString().ToLowerInvariant()}"));
                    break;
            }
        }

        return new ContractModel(
            contract.ToDisplayString(TypeFormat),
            ClassName(contract),
            new EquatableArray<ContractMethod>(methods.ToImmutable()),
            new EquatableArray<DiagnosticInfo>(diagnostics.ToImmutable()));
    }

    private static ContractMethod? ParseMethod(IMethodSymbol method, string contract, string prefix, KnownTypes known, ImmutableArray<DiagnosticInfo>.Builder diagnostics)
    {
        var count = diagnostics.Count;
        if (method.IsGenericMethod)
        {
            diagnostics.Add(DiagnosticInfo.Create(ContractDiagnostics.UnsupportedMember, method, method.Name, contract,
                "it is generic; an endpoint's request and response are concrete message types"));
            return null;
        }

        var returned = method.ReturnType as INamedTypeSymbol;
        var returnDefinition = returned?.IsGenericType == true ? returned.OriginalDefinition : null;
        var isTask = Same(returnDefinition, known.TaskOfT) || Same(returnDefinition, known.ValueTaskOfT);
        var isStream = Same(returnDefinition, known.AsyncEnumerableOfT);
        if (!isTask && !isStream)
        {
            var why = Same(method.ReturnType, known.Task) || Same(method.ReturnType, known.ValueTask) || method.ReturnsVoid
                ? $"every Go Micro RPC replies, so a contract method returns its reply type; {Shapes}"
                : Shapes;
            diagnostics.Add(DiagnosticInfo.Create(ContractDiagnostics.UnsupportedReturn, method, method.Name, contract, method.ReturnType.ToDisplayString(), why));
        }

        var parameters = method.Parameters;
        var hasToken = parameters.Length == 2 && Same(parameters[1].Type, known.CancellationToken);
        var request = parameters.Length > 0 ? parameters[0] : null;
        string? parameterProblem = null;
        if (parameters.Any(p => Same(p.Type, known.CallOptions)))
        {
            parameterProblem = "a MicroCallOptions parameter is not supported in contracts; set the client's defaults in AddMicroClient<T>(name, configure), " +
                "or call MicroServiceClient directly for per-call options";
        }
        else if (parameters.Any(p => Same(p.Type, known.Context)))
        {
            parameterProblem = "MicroContext is server-side only; the client cannot pass it. Take (TRequest request, CancellationToken cancellationToken) in the contract";
        }
        else if (request is null || parameters.Length > 2 || (parameters.Length == 2 && !hasToken) || Same(request.Type, known.CancellationToken))
        {
            parameterProblem = "take (TRequest request) or (TRequest request, CancellationToken cancellationToken); a stream of requests is IAsyncEnumerable<TRequest>";
        }
        else if (parameters.Any(p => p.RefKind != RefKind.None || p.IsParams))
        {
            parameterProblem = "ref, out, in and params parameters cannot cross the network; take the request by value";
        }

        if (parameterProblem is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(ContractDiagnostics.UnsupportedParameters, method, method.Name, contract, parameterProblem));
        }

        var requestIsStream = request?.Type is INamedTypeSymbol { IsGenericType: true } requestType && Same(requestType.OriginalDefinition, known.AsyncEnumerableOfT);
        if (isStream && requestIsStream)
        {
            diagnostics.Add(DiagnosticInfo.Create(ContractDiagnostics.UnsupportedReturn, method, method.Name, contract, method.ReturnType.ToDisplayString(),
                "a contract method cannot stream both ways; call bidirectional endpoints with MicroServiceClient.OpenDuplexStreamAsync"));
        }

        var endpointName = method.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == EndpointAttribute) is { } endpoint
            ? endpoint.ConstructorArguments.FirstOrDefault().Value as string
            : MethodName(method.Name);
        if (NameProblem(endpointName) is { } nameProblem)
        {
            diagnostics.Add(DiagnosticInfo.Create(ContractDiagnostics.InvalidEndpointName, method, endpointName ?? "", contract, nameProblem));
        }

        if (diagnostics.Count != count)
        {
            return null;
        }

        var requestMessage = requestIsStream ? ((INamedTypeSymbol)request!.Type).TypeArguments[0] : request!.Type;
        return new ContractMethod(
            Escape(method.Name),
            $"{prefix}.{endpointName}",
            isStream ? ContractMethodKind.ServerStream : requestIsStream ? ContractMethodKind.ClientStream : ContractMethodKind.Unary,
            method.ReturnType.ToDisplayString(TypeFormat),
            Same(returnDefinition, known.ValueTaskOfT),
            requestMessage.ToDisplayString(TypeFormat),
            returned!.TypeArguments[0].ToDisplayString(TypeFormat),
            Escape(request.Name),
            hasToken ? Escape(parameters[1].Name) : null);
    }

    private static string? ShapeProblem(INamedTypeSymbol contract)
    {
        if (contract.TypeParameters.Length > 0)
        {
            return "it is generic; a contract names concrete message types";
        }

        if (contract.AllInterfaces.Length > 0)
        {
            return "it inherits other interfaces; declare every RPC method on the contract itself";
        }

        for (var type = contract; type is not null; type = type.ContainingType)
        {
            if (type.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal))
            {
                return "the generated client must see it; make it (and any type containing it) public or internal";
            }

            if (type.ContainingType is { TypeParameters.Length: > 0 })
            {
                return "it is nested in a generic type; declare it outside";
            }
        }

        return null;
    }

    private static string? NameProblem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "it is empty";
        }

        return name!.IndexOfAny(['.', '/', ' ', '?', '#', '{', '}']) >= 0
            ? "the endpoint is Type.Method, so a part has no '.', '/', spaces or route characters"
            : null;
    }

    private static string DefaultName(string name)
        => name.Length > 1 && name[0] == 'I' && char.IsUpper(name[1]) ? name.Substring(1) : name;

    private static string MethodName(string name)
        => name.Length > "Async".Length && name.EndsWith("Async", StringComparison.Ordinal) ? name.Substring(0, name.Length - "Async".Length) : name;

    private static string ClassName(INamedTypeSymbol contract)
    {
        var full = contract.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", "");
        var chars = full.Select(c => char.IsLetterOrDigit(c) ? c : '_').ToArray();
        return new string(chars) + "_MicroClient";
    }

    private static string Escape(string name) => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    private static bool Same(ITypeSymbol? a, ITypeSymbol? b) => a is not null && b is not null && SymbolEqualityComparer.Default.Equals(a, b);

    private sealed class KnownTypes(Compilation compilation)
    {
        public INamedTypeSymbol? Task { get; } = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        public INamedTypeSymbol? TaskOfT { get; } = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        public INamedTypeSymbol? ValueTask { get; } = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
        public INamedTypeSymbol? ValueTaskOfT { get; } = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
        public INamedTypeSymbol? AsyncEnumerableOfT { get; } = compilation.GetTypeByMetadataName("System.Collections.Generic.IAsyncEnumerable`1");
        public INamedTypeSymbol? CancellationToken { get; } = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
        public INamedTypeSymbol? CallOptions { get; } = compilation.GetTypeByMetadataName("MicroHosting.Client.MicroCallOptions");
        public INamedTypeSymbol? Context { get; } = compilation.GetTypeByMetadataName("MicroHosting.MicroContext");
    }
}
