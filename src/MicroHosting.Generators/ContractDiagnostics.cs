using Microsoft.CodeAnalysis;

namespace MicroHosting.Generators;

/// <summary>The errors a contract interface can have; each message says what to change.</summary>
internal static class ContractDiagnostics
{
    private const string Category = "MicroHosting";

    public static readonly DiagnosticDescriptor UnsupportedReturn = new(
        "MICRO001",
        "Unsupported contract method return type",
        "Method '{0}' of contract '{1}' returns '{2}': {3}",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnsupportedParameters = new(
        "MICRO002",
        "Unsupported contract method parameters",
        "Method '{0}' of contract '{1}' has unsupported parameters: {2}",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnsupportedMember = new(
        "MICRO003",
        "Unsupported contract member",
        "Member '{0}' of contract '{1}' is not supported: {2}",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnsupportedInterface = new(
        "MICRO004",
        "Unsupported contract interface",
        "Contract interface '{0}' is not supported: {1}",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidEndpointName = new(
        "MICRO005",
        "Invalid contract endpoint name",
        "Endpoint name '{0}' of contract '{1}' is invalid: {2}",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);
}
