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

    public static readonly DiagnosticDescriptor ProtoUnknownMessage = new(
        "MICRO006",
        "Unknown message type in a .proto service",
        "rpc '{0}' of service '{1}' uses message type '{2}', which no .proto given to the generator defines: add the .proto that defines it (<AdditionalFiles Include=\"...\" />); the well-known google.protobuf types need none",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ProtoMessageNotCompiled = new(
        "MICRO007",
        "Message type of a .proto service is not compiled",
        "rpc '{0}' of service '{1}' uses '{2}', but the C# type '{3}' is not in the compilation: compile the .proto's messages with Grpc.Tools (<Protobuf Include=\"{4}\" GrpcServices=\"None\" />) in this project, or reference the project that does",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ProtoSyntax = new(
        "MICRO008",
        "Unreadable .proto file",
        "{0} cannot be read for its services: {1}",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ProtoEmptyService = new(
        "MICRO009",
        "A .proto service without rpcs",
        "Service '{0}' has no rpc, so its contract interface has no methods",
        Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ProtoDuplicateService = new(
        "MICRO010",
        "Two .proto services give the same contract interface",
        "Service '{0}' is defined by both {1} and {2}, in the C# namespace '{3}'; rename one or give the files different csharp_namespace options",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);
}
