namespace MicroHosting.TestUtilities;

/// <summary>Finds the repository and the build output of its projects from a running test.</summary>
public static class RepositoryPaths
{
    /// <summary>Gets the repository root (the folder holding MicroHosting.sln).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Gets the build configuration the tests run in (Debug or Release).</summary>
    public static string Configuration { get; } = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>Gets the path of a project's built dll, for example <c>examples/Greeter.Service</c>.</summary>
    /// <param name="project">The project folder relative to the root.</param>
    /// <returns>The dll path.</returns>
    /// <exception cref="FileNotFoundException">The project has not been built in this configuration.</exception>
    public static string ProjectOutput(string project)
    {
        var name = Path.GetFileName(project);
        var dll = Path.Combine(Root, project, "bin", Configuration, "net10.0", name + ".dll");
        return File.Exists(dll)
            ? dll
            : throw new FileNotFoundException($"{dll} is not built. Reference the project from the test project (ReferenceOutputAssembly=false) so it builds first.", dll);
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MicroHosting.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"MicroHosting.sln was not found above {AppContext.BaseDirectory}.");
    }
}
