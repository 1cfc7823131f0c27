using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace MicroHosting.Generators;

/// <summary>
/// Compiles the calls of each handler class mapped with <c>MapMicroHandlers&lt;THandler&gt;()</c> and registers them from a
/// module initializer (<c>MicroHandlerBindings</c>), so that mapping builds no generic code at run time and works under
/// Native AOT. The runtime still discovers the methods and their names; it only takes the calls from here.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class MicroHandlerGenerator : IIncrementalGenerator
{
    private const string MapMethod = "MapMicroHandlers";
    private const string Extensions = "Microsoft.AspNetCore.Builder.MicroEndpointRouteBuilderExtensions";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var handlers = context.SyntaxProvider.CreateSyntaxProvider(
                static (node, _) => node is InvocationExpressionSyntax invocation && MappedName(invocation) is not null,
                static (ctx, cancellationToken) =>
                {
                    var invocation = (InvocationExpressionSyntax)ctx.Node;
                    return ctx.SemanticModel.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol { Name: MapMethod, TypeArguments.Length: 1 } method
                        && method.ContainingType?.ToDisplayString() == Extensions
                            ? HandlerParser.Parse(method.TypeArguments[0], ctx.SemanticModel.Compilation)
                            : null;
                })
            .Where(static model => model is not null)
            .Collect();

        context.RegisterSourceOutput(handlers, static (spc, models) =>
        {
            var distinct = models.Distinct().GroupBy(m => m!.HandlerType).Select(g => g.First()!).OrderBy(m => m.HandlerType, StringComparer.Ordinal).ToList();
            if (distinct.Count > 0)
            {
                spc.AddSource("MicroHandlerRegistrations.g.cs", HandlerEmitter.Emit(distinct));
            }
        });
    }

    private static GenericNameSyntax? MappedName(InvocationExpressionSyntax invocation)
    {
        var name = invocation.Expression switch
        {
            MemberAccessExpressionSyntax member => member.Name as GenericNameSyntax,
            GenericNameSyntax generic => generic,
            _ => null,
        };
        return name is { Identifier.ValueText: MapMethod, TypeArgumentList.Arguments.Count: 1 } ? name : null;
    }
}
