using Microsoft.CodeAnalysis;

namespace MicroHosting.Generators;

/// <summary>A diagnostic to report, kept as comparable data for the incremental pipeline.</summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, Location? Location, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, ISymbol symbol, params string[] arguments)
        => new(descriptor, symbol.Locations.FirstOrDefault(), new EquatableArray<string>([.. arguments]));

    public Diagnostic ToDiagnostic() => Diagnostic.Create(Descriptor, Location, [.. Arguments]);
}
