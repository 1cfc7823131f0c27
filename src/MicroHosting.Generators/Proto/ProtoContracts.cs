using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace MicroHosting.Generators.Proto;

/// <summary>
/// Turns the services of .proto files into contracts: for each service, a <c>[MicroContract]</c> interface in the
/// messages' C# namespace (what the service implements) and its generated client (what callers inject). Endpoint names
/// are protoc-gen-micro's: <c>Service.Rpc</c>.
/// </summary>
internal static class ProtoContracts
{
    private const string WellKnownPrefix = "google.protobuf.";

    public static void Generate(SourceProductionContext context, ImmutableArray<ProtoFile> files, Compilation compilation)
    {
        if (compilation.GetTypeByMetadataName("MicroHosting.MicroContractAttribute") is null)
        {
            return; // not a MicroHosting project: nothing to implement the contracts with
        }

        // A file listed twice (as Protobuf and by hand as AdditionalFiles) is one file.
        files = [.. files.GroupBy(f => f.Path, System.StringComparer.Ordinal).Select(g => g.First())];
        var messages = new Dictionary<string, ProtoFile>(System.StringComparer.Ordinal);
        foreach (var file in files)
        {
            foreach (var message in file.Messages)
            {
                messages[message] = file;
            }
        }

        var seen = new Dictionary<string, ProtoFile>(System.StringComparer.Ordinal);
        foreach (var file in files)
        {
            foreach (var error in file.Errors)
            {
                context.ReportDiagnostic(Diagnostic.Create(ContractDiagnostics.ProtoSyntax, At(file, error.Line, error.Column), System.IO.Path.GetFileName(file.Path), error.Message));
            }

            if (!file.Errors.Items.IsEmpty)
            {
                continue;
            }

            foreach (var service in file.Services)
            {
                var interfaceName = $"{file.CSharpNamespace}.I{service.Name}";
                if (seen.TryGetValue(interfaceName, out var other))
                {
                    context.ReportDiagnostic(Diagnostic.Create(ContractDiagnostics.ProtoDuplicateService, At(file, service.Line, service.Column), service.Name, other.Path, file.Path, file.CSharpNamespace));
                    continue;
                }

                seen[interfaceName] = file;
                if (service.Rpcs.Items.IsEmpty)
                {
                    context.ReportDiagnostic(Diagnostic.Create(ContractDiagnostics.ProtoEmptyService, At(file, service.Line, service.Column), service.Name));
                }

                if (Build(context, file, service, messages, compilation) is { } model)
                {
                    context.AddSource($"{file.CSharpNamespace}.I{service.Name}.g.cs", ProtoEmitter.EmitInterface(file, service, model));
                    context.AddSource(model.ClassName + ".g.cs", ContractEmitter.Emit(model));
                }
            }
        }
    }

    private static ContractModel? Build(SourceProductionContext context, ProtoFile file, ProtoService service, Dictionary<string, ProtoFile> messages, Compilation compilation)
    {
        var methods = ImmutableArray.CreateBuilder<ContractMethod>();
        var failed = false;
        foreach (var rpc in service.Rpcs)
        {
            var input = CSharpType(context, file, service, rpc, rpc.Input, messages, compilation);
            var output = CSharpType(context, file, service, rpc, rpc.Output, messages, compilation);
            if (input is null || output is null)
            {
                failed = true;
                continue;
            }

            var kind = (rpc.InputStream, rpc.OutputStream) switch
            {
                (false, false) => ContractMethodKind.Unary,
                (false, true) => ContractMethodKind.ServerStream,
                (true, false) => ContractMethodKind.ClientStream,
                _ => ContractMethodKind.DuplexStream,
            };
            var returnType = rpc.OutputStream
                ? $"global::System.Collections.Generic.IAsyncEnumerable<{output}>"
                : $"global::System.Threading.Tasks.Task<{output}>";
            methods.Add(new ContractMethod(
                MethodName(rpc.Name),
                $"{service.Name}.{rpc.Name}",
                kind,
                returnType,
                ReturnsValueTask: false,
                input,
                output,
                rpc.InputStream ? "requests" : "request",
                "cancellationToken"));
        }

        if (failed)
        {
            return null;
        }

        var interfaceType = $"global::{file.CSharpNamespace}.I{service.Name}";
        var className = new string($"{file.CSharpNamespace}.I{service.Name}".Select(c => char.IsLetterOrDigit(c) ? c : '_').ToArray()) + "_MicroClient";
        return new ContractModel(interfaceType, className, new EquatableArray<ContractMethod>(methods.ToImmutable()), new EquatableArray<DiagnosticInfo>([]));
    }

    /// <summary>The rpc's C# method name: the rpc name with the Async suffix (the endpoint keeps the rpc name).</summary>
    public static string MethodName(string rpc) => rpc.EndsWith("Async", System.StringComparison.Ordinal) ? rpc : rpc + "Async";

    /// <summary>Resolves a message type as protoc does (innermost package scope first) and names its C# type, or reports why not.</summary>
    private static string? CSharpType(SourceProductionContext context, ProtoFile file, ProtoService service, ProtoRpc rpc, string typeName, Dictionary<string, ProtoFile> messages, Compilation compilation)
    {
        string csharp;
        string metadata;
        if (Resolve(typeName, file.Package, messages) is { } fullName)
        {
            var owner = messages[fullName];
            var relative = owner.Package.Length == 0 ? fullName : fullName.Substring(owner.Package.Length + 1);
            var parts = relative.Split('.');
            var prefix = owner.CSharpNamespace.Length == 0 ? string.Empty : owner.CSharpNamespace + ".";
            csharp = "global::" + prefix + string.Join(".Types.", parts);
            metadata = prefix + string.Join("+Types+", parts);
        }
        else if (WellKnown(typeName, file.Package) is { } wellKnown)
        {
            csharp = "global::Google.Protobuf.WellKnownTypes." + wellKnown;
            metadata = "Google.Protobuf.WellKnownTypes." + wellKnown;
        }
        else
        {
            context.ReportDiagnostic(Diagnostic.Create(ContractDiagnostics.ProtoUnknownMessage, At(file, rpc.Line, rpc.Column), rpc.Name, service.Name, typeName));
            return null;
        }

        if (compilation.GetTypeByMetadataName(metadata) is null)
        {
            context.ReportDiagnostic(Diagnostic.Create(ContractDiagnostics.ProtoMessageNotCompiled, At(file, rpc.Line, rpc.Column), rpc.Name, service.Name, typeName, csharp.Substring("global::".Length), System.IO.Path.GetFileName(file.Path)));
            return null;
        }

        return csharp;
    }

    private static string? Resolve(string typeName, string package, Dictionary<string, ProtoFile> messages)
    {
        if (typeName.StartsWith(".", System.StringComparison.Ordinal))
        {
            return messages.ContainsKey(typeName.Substring(1)) ? typeName.Substring(1) : null;
        }

        var scope = package;
        while (true)
        {
            var candidate = scope.Length == 0 ? typeName : scope + "." + typeName;
            if (messages.ContainsKey(candidate))
            {
                return candidate;
            }

            if (scope.Length == 0)
            {
                return null;
            }

            var dot = scope.LastIndexOf('.');
            scope = dot < 0 ? string.Empty : scope.Substring(0, dot);
        }
    }

    /// <summary>The well-known type's simple name for <c>google.protobuf.X</c> (or <c>.google.protobuf.X</c>, or <c>X</c> inside that package).</summary>
    private static string? WellKnown(string typeName, string package)
    {
        var full = typeName.TrimStart('.');
        if (!full.StartsWith(WellKnownPrefix, System.StringComparison.Ordinal) && package == "google.protobuf")
        {
            full = WellKnownPrefix + full;
        }

        return full.StartsWith(WellKnownPrefix, System.StringComparison.Ordinal) && full.IndexOf('.', WellKnownPrefix.Length) < 0
            ? full.Substring(WellKnownPrefix.Length)
            : null;
    }

    private static Location At(ProtoFile file, int line, int column)
    {
        var position = new LinePosition(line, column);
        return Location.Create(file.Path, default, new LinePositionSpan(position, position));
    }
}
