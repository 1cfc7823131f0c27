using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace MicroHosting.Registry.Etcd.Tests;

/// <summary>Runs MicroHosting.Registry.Etcd.TestService as a child process registered in etcd.</summary>
internal sealed class TestServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();

    private TestServiceProcess(Process process) => _process = process;

    /// <summary>Gets what the process wrote (stdout and stderr, the last 200 lines), to explain an unexpected exit.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    public int Id => _process.Id;

    public static TestServiceProcess Start(string name, string etcdAddress, TimeSpan ttl, TimeSpan interval)
    {
        var path = typeof(TestServiceProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TestServicePath").Value!;
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.GetFullPath(path));
        info.Environment["MICRO_SERVER_NAME"] = name;
        info.Environment["MICRO_SERVER_ADDRESS"] = "127.0.0.1:0";
        info.Environment["MICRO_REGISTRY"] = "etcd";
        info.Environment["MICRO_REGISTRY_ADDRESS"] = etcdAddress;
        info.Environment["MICRO_REGISTER_TTL"] = ((int)ttl.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        info.Environment["MICRO_REGISTER_INTERVAL"] = ((int)interval.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        info.Environment["MICRO_MDNS_INTERFACES"] = "lo";
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the test service");
        var started = new TestServiceProcess(process);
        process.OutputDataReceived += (_, e) => started.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => started.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>Kills the process outright (SIGKILL): it cannot deregister.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>Asks the process to stop (SIGTERM), as an orchestrator does, and waits for it to exit.</summary>
    public async Task<int> TerminateAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
        await _process.WaitForExitAsync(); // the output read to its end
        return _process.ExitCode;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 200 && _output.TryDequeue(out _))
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }
}
