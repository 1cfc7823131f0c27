using System.Xml.Linq;
using MicroHosting.TestUtilities;

namespace MicroHosting.Templates.Tests;

/// <summary>
/// The templates' package versions are the repository's central pins (Directory.Packages.props): a template project is
/// created outside the repository, so it names each version itself, and a pin moved here without it would leave new
/// projects on a version this repository no longer builds or tests. Reads files only: no network, no pack.
/// </summary>
public sealed class TemplatePackageVersionsTests
{
    /// <summary>The placeholder the templates replace with the MicroHosting packages' version (template parameter microHostingVersion).</summary>
    private const string MicroHostingVersion = "MICROHOSTING_VERSION";

    [Fact]
    public void TemplateProjects_EveryPackageVersion_IsTheCentralPin()
    {
        var pins = XDocument.Load(Path.Combine(RepositoryPaths.Root, "Directory.Packages.props"))
            .Descendants("PackageVersion")
            .ToDictionary(p => (string)p.Attribute("Include")!, p => (string)p.Attribute("Version")!, StringComparer.OrdinalIgnoreCase);
        var references = TemplateReferences().ToList();

        var problems = references
            .Where(r => r.Version != MicroHostingVersion)
            .Select(r => pins.TryGetValue(r.Package, out var pin)
                ? r.Version == pin ? null : $"{r.Project}: {r.Package} {r.Version}, but Directory.Packages.props pins {pin}"
                : $"{r.Project}: {r.Package} {r.Version} has no pin in Directory.Packages.props (add one, so the repository tests the version the template gives)")
            .OfType<string>()
            .ToList();

        Assert.True(problems.Count == 0, "Template package versions differ from the central pins; change the template (or the pin):" + Environment.NewLine + string.Join(Environment.NewLine, problems));
        Assert.Contains(references, r => r.Package == "Google.Protobuf"); // the test reads the real templates, not nothing
        Assert.All(references.Where(r => r.Package.StartsWith("MicroHosting", StringComparison.Ordinal)), r => Assert.Equal(MicroHostingVersion, r.Version));
    }

    private static IEnumerable<(string Project, string Package, string Version)> TemplateReferences()
    {
        var content = Path.Combine(RepositoryPaths.Root, "templates", "content");
        foreach (var project in Directory.EnumerateFiles(content, "*.csproj", SearchOption.AllDirectories).Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            foreach (var reference in XDocument.Load(project).Descendants("PackageReference"))
            {
                yield return (
                    Path.GetRelativePath(content, project),
                    (string?)reference.Attribute("Include") ?? throw new InvalidDataException($"{project}: a PackageReference without Include"),
                    (string?)reference.Attribute("Version") ?? throw new InvalidDataException($"{project}: {(string?)reference.Attribute("Include")} has no Version; a template project is outside the repository's central package management and must name one"));
            }
        }
    }
}
