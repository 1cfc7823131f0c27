using MicroHosting.Generators.Proto;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace MicroHosting.Generators;

/// <summary>
/// Implements each interface marked <c>[MicroContract]</c> as a MicroHosting client class, registered from a module
/// initializer so that <c>AddMicroClient&lt;TContract&gt;(service)</c> finds it without reflection. Each service of a
/// <c>.proto</c> file given as <c>AdditionalFiles</c> becomes such an interface (and its client): proto-first contracts.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class MicroContractGenerator : IIncrementalGenerator
{
    private const string ContractAttribute = "MicroHosting.MicroContractAttribute";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var contracts = context.SyntaxProvider.ForAttributeWithMetadataName(
            ContractAttribute,
            static (node, _) => node is InterfaceDeclarationSyntax,
            static (ctx, _) => ContractParser.Parse((INamedTypeSymbol)ctx.TargetSymbol, ctx.Attributes[0], ctx.SemanticModel.Compilation));

        context.RegisterSourceOutput(contracts, static (spc, model) =>
        {
            foreach (var diagnostic in model.Diagnostics)
            {
                spc.ReportDiagnostic(diagnostic.ToDiagnostic());
            }

            // A contract with errors gets no client: the errors say what to fix, without follow-on compiler errors.
            if (model.Diagnostics.Items.IsEmpty)
            {
                spc.AddSource(model.ClassName + ".g.cs", ContractEmitter.Emit(model));
            }
        });

        // Proto-first: each service of a .proto given as AdditionalFiles becomes a contract interface and its client.
        var protoFiles = context.AdditionalTextsProvider
            .Where(static file => file.Path.EndsWith(".proto", StringComparison.OrdinalIgnoreCase))
            .Select(static (file, cancellationToken) => ProtoParser.Parse(file.Path, file.GetText(cancellationToken)?.ToString() ?? string.Empty))
            .Collect();
        context.RegisterSourceOutput(protoFiles.Combine(context.CompilationProvider), static (spc, input) => ProtoContracts.Generate(spc, input.Left, input.Right));
    }
}
