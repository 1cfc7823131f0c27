using System.Diagnostics;
using System.Globalization;

namespace MicroHosting.Benchmarks.Startup;

/// <summary>Finds (or makes) the two builds of examples/Greeter.Service the <c>startup</c> scenario starts: JIT and Native AOT.</summary>
internal static class GreeterBuilds
{
    /// <summary>The environment variable naming an already published Native AOT Greeter.Service executable, to skip the publish.</summary>
    public const string AotVariable = "MICROHOSTING_BENCH_AOT_GREETER";

    private const string Project = "examples/Greeter.Service";

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MicroHosting.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The startup scenario runs from the repository (it starts examples/Greeter.Service); MicroHosting.sln was not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The JIT build's dll, built in Release when missing.</summary>
    public static async Task<string> JitAsync(TextWriter log, CancellationToken cancellationToken)
    {
        var root = RepositoryRoot();
        var dll = Path.Combine(root, Project, "bin", "Release", "net10.0", "Greeter.Service.dll");
        if (!File.Exists(dll))
        {
            await DotnetAsync(root, ["build", Project, "-c", "Release"], log, cancellationToken).ConfigureAwait(false);
        }

        return dll;
    }

    /// <summary>The Native AOT executable: <see cref="AotVariable"/> when set, otherwise published now (minutes) into a temporary folder.</summary>
    public static async Task<string> AotAsync(TextWriter log, CancellationToken cancellationToken)
    {
        if (Environment.GetEnvironmentVariable(AotVariable) is { Length: > 0 } given)
        {
            return File.Exists(given) ? given : throw new InvalidOperationException($"{AotVariable} names '{given}', which does not exist.");
        }

        var root = RepositoryRoot();
        var folder = Path.Combine(Path.GetTempPath(), "microhosting-startup-aot");
        var watch = Stopwatch.StartNew();
        await DotnetAsync(
            root,
            ["publish", Project, "-c", "Release", "-r", "linux-x64", "--artifacts-path", Path.Combine(folder, "artifacts"), "-o", Path.Combine(folder, "app")],
            log,
            cancellationToken).ConfigureAwait(false);
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"startup: Native AOT publish of {Project} took {watch.Elapsed.TotalSeconds:F0} s (set {AotVariable} to reuse {folder}/app/Greeter.Service)")).ConfigureAwait(false);
        return Path.Combine(folder, "app", "Greeter.Service");
    }

    private static async Task DotnetAsync(string root, string[] arguments, TextWriter log, CancellationToken cancellationToken)
    {
        await log.WriteLineAsync("startup: dotnet " + string.Join(' ', arguments)).ConfigureAwait(false);
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start dotnet.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{await stdout.ConfigureAwait(false)}{await stderr.ConfigureAwait(false)}");
        }
    }
}
