namespace MicroHosting.Generators;

/// <summary>What flows in each direction of a contract method.</summary>
internal enum ContractMethodKind
{
    Unary,
    ServerStream,
    ClientStream,
    DuplexStream,
}
