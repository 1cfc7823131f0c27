using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace MicroHosting.Generators.Tests;

/// <summary>Runs the generator on a source string, as the compiler does, against this process's framework and MicroHosting.</summary>
internal static class GeneratorHarness
{
    private static readonly ImmutableArray<MetadataReference> References =
    [
        .. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).Select(p => MetadataReference.CreateFromFile(p)),
        MetadataReference.CreateFromFile(typeof(MicroContractAttribute).Assembly.Location),
    ];

    public static (ImmutableArray<Diagnostic> Diagnostics, Compilation Output) Run(string contracts, string assemblyName = "Contracts")
        => Run(new MicroContractGenerator(), contracts, assemblyName);

    public static (ImmutableArray<Diagnostic> Diagnostics, Compilation Output) Run(IIncrementalGenerator generator, string contracts, string assemblyName = "Contracts")
    {
        var source = $$"""
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using MicroHosting;
            using MicroHosting.Client;
            using Microsoft.AspNetCore.Builder;
            namespace Contracts;
            public sealed record Request(string Name);
            public sealed record Reply(string Message);
            {{contracts}}
            """;
        var compilation = CSharpCompilation.Create(
            assemblyName,
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest))],
            References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
                .WithSpecificDiagnosticOptions([new("CS1591", ReportDiagnostic.Suppress)]));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && d.Id != "CS0535"));

        CSharpGeneratorDriver.Create(generator)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return (diagnostics, output);
    }
}
