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
        => Run(new MicroContractGenerator(), contracts, null, [], assemblyName);

    /// <summary>Runs another of the package's generators (the handler generator) on <paramref name="contracts"/>.</summary>
    public static (ImmutableArray<Diagnostic> Diagnostics, Compilation Output) Run(IIncrementalGenerator generator, string contracts)
        => Run(generator, contracts, null, [], "Contracts");

    /// <summary>Runs the generator with .proto files as AdditionalFiles (path, text) and their messages' C# types in <paramref name="messages"/>.</summary>
    public static (ImmutableArray<Diagnostic> Diagnostics, Compilation Output) RunProto(string messages, params (string Path, string Text)[] protos)
        => Run(new MicroContractGenerator(), string.Empty, messages, protos, "Contracts");

    private static (ImmutableArray<Diagnostic> Diagnostics, Compilation Output) Run(IIncrementalGenerator generator, string contracts, string? messages, (string Path, string Text)[] protos, string assemblyName)
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
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest)), .. messages is null ? [] : new[] { CSharpSyntaxTree.ParseText(messages, new CSharpParseOptions(LanguageVersion.Latest)) }],
            References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
                .WithSpecificDiagnosticOptions([new("CS1591", ReportDiagnostic.Suppress)]));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && d.Id != "CS0535"));

        CSharpGeneratorDriver.Create([generator.AsSourceGenerator()], [.. protos.Select(p => (AdditionalText)new InMemoryAdditionalText(p.Path, p.Text))])
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return (diagnostics, output);
    }

    private sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
    {
        public override string Path { get; } = path;

        public override Microsoft.CodeAnalysis.Text.SourceText GetText(CancellationToken cancellationToken = default) => Microsoft.CodeAnalysis.Text.SourceText.From(text);
    }
}
