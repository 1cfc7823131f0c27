namespace MicroHosting.Generators;

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
