using System.Reflection;

namespace MicroHosting.Contracts.Internal;

/// <summary>The endpoint naming rules of contract interfaces; the source generator applies the same ones.</summary>
internal static class MicroContractNames
{
    private const string AsyncSuffix = "Async";

    public static string? ContractName(Type type)
        => type.IsInterface && type.GetCustomAttribute<MicroContractAttribute>() is { } contract
            ? contract.Name ?? DefaultName(type.Name)
            : null;

    public static string EndpointName(string contractName, MethodInfo method)
        => $"{contractName}.{method.GetCustomAttribute<MicroEndpointAttribute>()?.Name ?? MethodName(method.Name)}";

    private static string DefaultName(string interfaceName)
        => interfaceName.Length > 1 && interfaceName[0] == 'I' && char.IsUpper(interfaceName[1]) ? interfaceName[1..] : interfaceName;

    private static string MethodName(string name)
        => name.Length > AsyncSuffix.Length && name.EndsWith(AsyncSuffix, StringComparison.Ordinal) ? name[..^AsyncSuffix.Length] : name;
}
