namespace MicroHosting.Generators;

/// <summary>A contract interface to implement, or the reasons it cannot be.</summary>
internal sealed record ContractModel(
    string InterfaceType,
    string ClassName,
    EquatableArray<ContractMethod> Methods,
    EquatableArray<DiagnosticInfo> Diagnostics);
