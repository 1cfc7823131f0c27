using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace MicroHosting.TestUtilities;

/// <summary>
/// A child process whose output a test can wait on (an example app, a test node, a real server). Killed with its
/// children on dispose. Its output is kept so a failing test can show it.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    /// <summary>How long a test waits for a child process to get somewhere (start, register, exit): a cold .NET start on a loaded 2-core machine.</summary>
    public static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly SemaphoreSlim _lineAdded = new(0);

    private ChildProcess(Process process)
    {
        _process = process;
    }

    /// <summary>Gets the output so far (stdout and stderr, in arrival order).</summary>
    public string Output => string.Join(Environment.NewLine, _lines);

    /// <summary>Gets whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Gets the exit code, once exited.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Gets the process id.</summary>
    public int Id => _process.Id;

    /// <summary>Starts a process.</summary>
    /// <param name="fileName">The executable.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="environment">Environment variables to set (a <see langword="null"/> value removes one).</param>
    /// <param name="workingDirectory">The working directory, or the current one.</param>
    /// <returns>The running process.</returns>
    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, IDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // Child processes never multicast outside loopback, whatever the caller forgot to set.
        info.Environment["MICRO_MDNS_INTERFACES"] = "lo";
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => child.Add(e.Data);
        process.ErrorDataReceived += (_, e) => child.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>
    /// Starts a built .NET app of this repository (<c>examples/X</c> or <c>test/X</c>) with <c>dotnet X.dll</c>, from the
    /// repository root rather than the dll's folder: as a user runs it, so an app that looks for its settings in the
    /// current folder fails here as it would for them.
    /// </summary>
    /// <param name="project">The project folder, relative to the repository root, for example <c>examples/Greeter.Service</c>.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="environment">Environment variables to set.</param>
    /// <returns>The running process.</returns>
    public static ChildProcess StartProject(string project, IEnumerable<string>? arguments = null, IDictionary<string, string?>? environment = null)
        => Start("dotnet", [RepositoryPaths.ProjectOutput(project), .. arguments ?? []], environment, RepositoryPaths.Root);

    /// <summary>
    /// The arguments of the README's <c>dotnet run --project &lt;project&gt; -- &lt;arguments&gt;</c>, run from the
    /// repository root, on the build the tests run in (<c>-c &lt;configuration&gt; --no-build</c>, so a test never builds).
    /// </summary>
    /// <param name="project">The project folder, relative to the repository root, for example <c>examples/Greeter.Client</c>.</param>
    /// <param name="arguments">The program's arguments (after <c>--</c>).</param>
    /// <returns>The arguments for <c>dotnet</c>.</returns>
    /// <exception cref="FileNotFoundException">The project has not been built in this configuration.</exception>
    public static string[] DotnetRunArguments(string project, IEnumerable<string>? arguments = null)
    {
        _ = RepositoryPaths.ProjectOutput(project);
        return ["run", "--project", project, "-c", RepositoryPaths.Configuration, "--no-build", "--", .. arguments ?? []];
    }

    /// <summary>Starts <c>dotnet run --project &lt;project&gt;</c> from the repository root, as the README does (see <see cref="DotnetRunArguments"/>).</summary>
    /// <param name="project">The project folder, relative to the repository root.</param>
    /// <param name="arguments">The program's arguments.</param>
    /// <param name="environment">Environment variables to set.</param>
    /// <returns>The running process (<c>dotnet run</c>, whose child is the program; both are killed on dispose).</returns>
    public static ChildProcess DotnetRun(string project, IEnumerable<string>? arguments = null, IDictionary<string, string?>? environment = null)
        => Start("dotnet", DotnetRunArguments(project, arguments), environment, RepositoryPaths.Root);

    /// <summary>Waits for an output line matching <paramref name="pattern"/>; fails with the output so far on timeout or exit.</summary>
    /// <param name="pattern">A regular expression.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>The match.</returns>
    public async Task<Match> WaitForAsync(string pattern, TimeSpan timeout)
    {
        var regex = new Regex(pattern, RegexOptions.CultureInvariant);
        var deadline = DateTime.UtcNow + timeout;
        var seen = 0;
        while (true)
        {
            var lines = _lines.ToArray();
            for (; seen < lines.Length; seen++)
            {
                var match = regex.Match(lines[seen]);
                if (match.Success)
                {
                    return match;
                }
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || (_process.HasExited && seen == _lines.Count))
            {
                throw new TimeoutException($"No output line matched '{pattern}' within {timeout}{(_process.HasExited ? $" (exited with {_process.ExitCode})" : string.Empty)}. Output:{Environment.NewLine}{Output}");
            }

            await _lineAdded.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200)).ConfigureAwait(false);
        }
    }

    /// <summary>Waits for the process to exit.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>The exit code.</returns>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The process did not exit within {timeout}. Output:{Environment.NewLine}{Output}");
        }

        return _process.ExitCode;
    }

    /// <summary>Kills the process immediately (no graceful shutdown), as a crash would.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    /// <summary>Asks the process to stop gracefully (SIGTERM) and waits for it.</summary>
    /// <param name="timeout">How long to wait before killing it.</param>
    /// <returns>A task that completes when it exited.</returns>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync().ConfigureAwait(false);
        }

        try
        {
            await WaitForExitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Kill();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Kill();
        await _process.WaitForExitAsync().ConfigureAwait(false);
        _process.Dispose();
        _lineAdded.Dispose();
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        _lines.Enqueue(line);
        try
        {
            _lineAdded.Release();
        }
        catch (ObjectDisposedException)
        {
            // The test is done with this process.
        }
    }
}
