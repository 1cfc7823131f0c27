using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace MicroHosting.Generators;

/// <summary>
/// Implements each interface marked <c>[MicroContract]</c> as a MicroHosting client class, registered from a module
/// initializer so that <c>AddMicroClient&lt;TContract&gt;(service)</c> finds it without reflection.
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
    }
}
