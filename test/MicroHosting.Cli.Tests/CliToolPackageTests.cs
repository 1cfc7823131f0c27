using System.Diagnostics;
using MicroHosting.TestUtilities;

namespace MicroHosting.Cli.Tests;

/// <summary>
/// The tool as users get it: packed (from this configuration's build) into a folder feed, installed with
/// <c>dotnet tool install --tool-path</c>, and run as <c>micro</c>. Everything goes to a temporary folder: the feed, the
/// install, a NuGet config naming only that feed, and the NuGet packages folder, so the machine's global tools and
/// package cache never hold a test build. A tool package carries its dependencies, so no other source is needed.
/// </summary>
public sealed class CliToolPackageTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("microhosting-tool-");

    public void Dispose() => _temp.Delete(recursive: true);

    [Fact]
    public async Task PackAndToolInstall_ToolPath_MicroRunsAndPrintsHelpAndVersion()
    {
        var version = "0.1.0-tooltest." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
        var feed = Path.Combine(_temp.FullName, "feed");
        var tools = Path.Combine(_temp.FullName, "tools");
        var project = Path.Combine(RepositoryPaths.Root, "src", "MicroHosting.Cli", "MicroHosting.Cli.csproj");

        // Packs what the tests already built (no build, no restore), with the intermediate files outside the repository.
        await RunAsync(
            "dotnet",
            "pack", project, "--no-build", "--no-restore", "--disable-build-servers", "-nodeReuse:false", "-c", RepositoryPaths.Configuration, "-o", feed,
            "-p:PackageVersion=" + version,
            "-p:PublishDir=" + Path.Combine(_temp.FullName, "publish") + Path.DirectorySeparatorChar,
            "-p:NuspecOutputPath=" + Path.Combine(_temp.FullName, "nuspec") + Path.DirectorySeparatorChar);
        Assert.True(File.Exists(Path.Combine(feed, $"MicroHosting.Cli.{version}.nupkg")));

        var config = Path.Combine(_temp.FullName, "nuget.config");
        await File.WriteAllTextAsync(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="tooltest" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        await RunAsync("dotnet", "tool", "install", "MicroHosting.Cli", "--tool-path", tools, "--configfile", config, "--version", version);

        var micro = Path.Combine(tools, OperatingSystem.IsWindows() ? "micro.exe" : "micro");
        var help = await RunAsync(micro, "--help");
        Assert.Contains("micro [command] [options]", help, StringComparison.Ordinal);
        Assert.Contains("call <service> <endpoint> <request>", help, StringComparison.Ordinal);

        // The installed tool is this build: the same version as the built assembly.
        var built = FileVersionInfo.GetVersionInfo(RepositoryPaths.ProjectOutput("src/MicroHosting.Cli")).ProductVersion;
        Assert.Equal(built, (await RunAsync(micro, "--version")).Trim());
    }

    private async Task<string> RunAsync(string fileName, params string[] arguments)
    {
        var environment = new Dictionary<string, string?>
        {
            ["NUGET_PACKAGES"] = Path.Combine(_temp.FullName, "packages"),
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        };

        // The tool's launcher finds the runtime the tests run on.
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host)
        {
            environment["DOTNET_ROOT"] = Path.GetDirectoryName(host);
        }

        await using var process = ChildProcess.Start(fileName, arguments, environment, _temp.FullName);
        var exitCode = await process.WaitForExitAsync(Limit);
        Assert.True(exitCode == 0, $"{fileName} {string.Join(' ', arguments)} exited with {exitCode}:{Environment.NewLine}{process.Output}");
        return process.Output;
    }
}
