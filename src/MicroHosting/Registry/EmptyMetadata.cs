using System.Collections.ObjectModel;

namespace MicroHosting.Registry;

internal static class EmptyMetadata
{
    public static readonly IReadOnlyDictionary<string, string> Instance = ReadOnlyDictionary<string, string>.Empty;
}
