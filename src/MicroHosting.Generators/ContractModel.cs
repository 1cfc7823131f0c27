namespace MicroHosting.Generators;

/// <summary>What flows in each direction of a contract method.</summary>
internal enum ContractMethodKind
{
    Unary,
    ServerStream,
    ClientStream,
}

/// <summary>One contract method: the types as fully qualified C#, and the endpoint it calls.</summary>
internal sealed record ContractMethod(
    string Name,
    string Endpoint,
    ContractMethodKind Kind,
    string ReturnType,
    bool ReturnsValueTask,
    string RequestType,
    string ResponseType,
    string RequestParameter,
    string? TokenParameter);

/// <summary>A contract interface to implement, or the reasons it cannot be.</summary>
internal sealed record ContractModel(
    string InterfaceType,
    string ClassName,
    EquatableArray<ContractMethod> Methods,
    EquatableArray<DiagnosticInfo> Diagnostics);
