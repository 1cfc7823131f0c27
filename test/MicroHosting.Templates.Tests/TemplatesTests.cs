using System.Text.Json;
using System.Text.RegularExpressions;
using MicroHosting.TestUtilities;
using Xunit.Abstractions;

namespace MicroHosting.Templates.Tests;

/// <summary>
/// The templates as a new user meets them: MicroHosting, MicroHosting.Testing and MicroHosting.Templates packed from this
/// repository to a local folder feed (with a version of their own, so no cached package stands in), the templates installed
/// from it into a private template hive, each template created outside the repository, built, and its tests run; then the
/// README's first-hour "run, then call with micro" on the created service. Only NuGet is reached, for packages not in the
/// local cache; mDNS stays on <c>lo</c>.
/// </summary>
public sealed partial class TemplatesTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(10); // cold restores and builds on a loaded 2-core machine
    private static readonly TimeSpan RegistrationWait = TimeSpan.FromSeconds(90); // the service's start and first mDNS answer, under load
    private readonly string _work = Path.Combine(Path.GetTempPath(), "microhosting-templates-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _version = $"0.1.0-templatetest.{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}";

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_work);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_work, recursive: true);

        // The packages restored under this run's version only: the next run has a version of its own.
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in new[] { "microhosting", "microhosting.testing" })
        {
            var folder = Path.Combine(packages, id, _version);
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task Templates_PackedInstalledCreated_EachBuildsAndItsTestsPass()
    {
        var feed = Path.Combine(_work, "feed");
        var hive = Path.Combine(_work, "hive");
        var apps = Path.Combine(_work, "apps");
        Directory.CreateDirectory(apps);

        // Packed from the build the test run uses (no rebuild), under this run's version.
        await DotnetAsync(RepositoryPaths.Root, "pack", "src/MicroHosting", "--no-build", "-c", RepositoryPaths.Configuration, $"-p:Version={_version}", "-o", feed);
        await DotnetAsync(RepositoryPaths.Root, "pack", "src/MicroHosting.Testing", "--no-build", "-c", RepositoryPaths.Configuration, $"-p:Version={_version}", "-o", feed);
        await DotnetAsync(RepositoryPaths.Root, "pack", "templates", "-c", RepositoryPaths.Configuration, $"-p:Version={_version}", "-o", feed);

        var installed = await DotnetAsync(_work, "new", "install", Path.Combine(feed, $"MicroHosting.Templates.{_version}.nupkg"), "--debug:custom-hive", hive);
        Assert.Contains("micro-service", installed, StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(apps, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="microhosting-local" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        await DotnetAsync(apps, "new", "micro-sln", "-n", "Orders", "--microHostingVersion", _version, "--debug:custom-hive", hive);
        await DotnetAsync(apps, "new", "micro-service", "-n", "Billing", "--microHostingVersion", _version, "--debug:custom-hive", hive);
        await DotnetAsync(apps, "new", "micro-client", "-n", "Caller", "--microHostingVersion", _version, "--debug:custom-hive", hive);

        // One build for all of them: one restore and one MSBuild session instead of three.
        File.WriteAllText(Path.Combine(apps, "All.slnx"), """
            <Solution>
              <Project Path="Orders/Orders/Orders.csproj" />
              <Project Path="Orders/Orders.Client/Orders.Client.csproj" />
              <Project Path="Orders/Orders.Tests/Orders.Tests.csproj" />
              <Project Path="Billing/Billing/Billing.csproj" />
              <Project Path="Billing/Billing.Tests/Billing.Tests.csproj" />
              <Project Path="Caller/Caller.csproj" />
            </Solution>
            """);
        await DotnetAsync(apps, "build", "All.slnx");
        var tests = await DotnetAsync(apps, "test", "All.slnx", "--no-build");

        // Each service's generated tests ran against the service built from its .proto, through the packed test kit.
        var passed = PassedLine().Matches(tests).ToDictionary(m => m.Groups["assembly"].Value, m => int.Parse(m.Groups["passed"].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(new Dictionary<string, int> { ["Orders.Tests.dll"] = 3, ["Billing.Tests.dll"] = 3 }, passed);

        // The client runs its generated IGreeter client; with nothing registered it says so and exits 1.
        await using var caller = ChildProcess.Start("dotnet", [Path.Combine(apps, "Caller", "bin", "Debug", "net10.0", "Caller.dll"), "--name", "Ann"], new Dictionary<string, string?> { ["MICRO_REGISTRY"] = "memory" });
        Assert.Equal(1, await caller.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains("Calling greeter failed", caller.Output, StringComparison.Ordinal);

        // The README's first hour, from the solution's folder: `dotnet run --project Orders &`, then
        // `MICRO_MDNS_INTERFACES=lo micro call orders Orders.Hello '{"name":"John"}'` with this repository's micro tool.
        // Both sides in an mDNS domain of this run's own (and on lo), so parallel runs never see each other's "orders".
        var solution = Path.Combine(apps, "Orders");
        var mdns = new Dictionary<string, string?> { ["MICRO_MDNS_INTERFACES"] = "lo", ["Micro__Mdns__Domain"] = "t" + Guid.NewGuid().ToString("N")[..10] };
        var started = System.Diagnostics.Stopwatch.StartNew();
        await using var service = ChildProcess.Start("dotnet", ["run", "--project", "Orders", "--no-build"], mdns, solution);
        await service.WaitForAsync("Registered orders node", RegistrationWait);
        var (reply, runs) = await UntilFoundAsync(service, () => ChildProcess.Start("dotnet", [RepositoryPaths.ProjectOutput("src/MicroHosting.Cli"), "call", "orders", "Orders.Hello", """{"name":"John"}"""], mdns, solution), notFoundExitCode: 3);
        output.WriteLine($"micro call answered {started.Elapsed.TotalSeconds:0.0}s after the service started, on run {runs} of the tool. The service:{Environment.NewLine}{service.Output}");
        Assert.Equal("Hello John", JsonDocument.Parse(reply).RootElement.GetProperty("message").GetString());

        // And the next line: `dotnet run --project Orders.Client -- --name John`, the client generated from Orders.proto.
        var (greeting, _) = await UntilFoundAsync(service, () => ChildProcess.Start("dotnet", ["run", "--project", "Orders.Client", "--no-build", "--", "--name", "John"], mdns, solution), notFoundExitCode: 1);
        Assert.Equal("Hello John", greeting.Trim());
        output.WriteLine($"Orders.Client answered {started.Elapsed.TotalSeconds:0.0}s after the service started.");
    }

    /// <summary>
    /// Runs a caller of the service until it is found: each run is a fresh process with one mDNS query, whose answer can
    /// miss the query window on a loaded machine (the micro tool exits 3 for "not found", the generated client 1 for any
    /// failure). Bounded by <see cref="RegistrationWait"/>; any other failure, or the service exiting, fails at once.
    /// </summary>
    private static async Task<(string Output, int Runs)> UntilFoundAsync(ChildProcess service, Func<ChildProcess> start, int notFoundExitCode)
    {
        var deadline = DateTime.UtcNow + RegistrationWait;
        for (var runs = 1; ; runs++)
        {
            await using var caller = start();
            var exitCode = await caller.WaitForExitAsync(TimeSpan.FromMinutes(1));
            if (exitCode == 0)
            {
                return (caller.Output, runs);
            }

            Assert.False(service.HasExited, $"The service exited:{Environment.NewLine}{service.Output}");
            Assert.True(
                exitCode == notFoundExitCode && caller.Output.Contains("not found", StringComparison.OrdinalIgnoreCase) && DateTime.UtcNow < deadline,
                $"The caller exited {exitCode} on run {runs}:{Environment.NewLine}{caller.Output}{Environment.NewLine}The service:{Environment.NewLine}{service.Output}");
        }
    }

    private static async Task<string> DotnetAsync(string workingDirectory, params string[] arguments)
    {
        await using var process = ChildProcess.Start("dotnet", arguments, new Dictionary<string, string?>
        {
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        }, workingDirectory);
        var exitCode = await process.WaitForExitAsync(Generous);
        Assert.True(exitCode == 0, $"dotnet {string.Join(' ', arguments)} exited {exitCode}:{Environment.NewLine}{process.Output}");
        return process.Output;
    }

    [GeneratedRegex(@"Passed!\s+-\s+Failed:\s+0, Passed:\s+(?<passed>\d+),.* - (?<assembly>\S+\.dll)")]
    private static partial Regex PassedLine();
}
