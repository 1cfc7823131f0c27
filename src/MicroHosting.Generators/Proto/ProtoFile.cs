namespace MicroHosting.Generators.Proto;

/// <summary>What the generator needs of a .proto file: its package, C# namespace, message names and services.</summary>
internal sealed record ProtoFile(
    string Path,
    string Package,
    string CSharpNamespace,
    EquatableArray<string> Messages,
    EquatableArray<ProtoService> Services,
    EquatableArray<ProtoError> Errors);

/// <summary>A service of a .proto file.</summary>
internal sealed record ProtoService(string Name, int Line, int Column, EquatableArray<ProtoRpc> Rpcs);

/// <summary>An rpc of a service: its message types as written, and which side streams.</summary>
internal sealed record ProtoRpc(string Name, string Input, bool InputStream, string Output, bool OutputStream, int Line, int Column);

/// <summary>A place the parser could not read.</summary>
internal sealed record ProtoError(string Message, int Line, int Column);
