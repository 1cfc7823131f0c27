using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Grpc.Net.Client;
using MicroHosting.Benchmarks.Protos;

namespace MicroHosting.Benchmarks.Startup;

/// <summary>
/// Starts a program once and measures it: process start to ready (registered) and to the first reply, resident memory
/// idle and under a closed-loop load, then stops it gracefully (a MicroHosting node deregisters).
/// </summary>
internal static class StartupProbe
{
    private static readonly byte[] JsonRequest = """{"name":"startup"}"""u8.ToArray();

    public static async Task<StartupSample> RunAsync(StartupTarget target, string? taskset, TimeSpan load, int concurrency, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var command = new List<string>();
        if (taskset is not null)
        {
            command.AddRange([taskset, "-c", "0"]); // taskset execs the program: the process id stays the program's
        }

        command.Add(target.FileName);
        command.AddRange(target.Arguments);
        info.FileName = command[0];
        foreach (var argument in command.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["MICRO_MDNS_INTERFACES"] = "lo";
        foreach (var (key, value) in target.Environment)
        {
            info.Environment[key] = value;
        }

        var output = new ConcurrentQueue<string>();
        var ready = new TaskCompletionSource<(long At, Match Match)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var pattern = new Regex(target.ReadyPattern, RegexOptions.CultureInvariant);
        using var process = new Process { StartInfo = info };
        DataReceivedEventHandler onLine = (_, e) =>
        {
            var at = Stopwatch.GetTimestamp();
            if (e.Data is { } line)
            {
                output.Enqueue(line);
                if (pattern.Match(line) is { Success: true } match)
                {
                    ready.TrySetResult((at, match));
                }
            }
        };
        process.OutputDataReceived += onLine;
        process.ErrorDataReceived += onLine;

        var started = Stopwatch.GetTimestamp();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            (long At, Match Match) readyLine;
            try
            {
                readyLine = await ready.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw new InvalidOperationException($"{target.Name} printed no line matching '{target.ReadyPattern}' within 60 s. Output:\n{string.Join('\n', output)}");
            }

            var address = readyLine.Match.Groups["address"].Value;
            address = address.StartsWith("http", StringComparison.Ordinal) ? address : "http://" + address;
            using var http = new HttpClient { BaseAddress = new Uri(address) };
            using var channel = target.Grpc ? GrpcChannel.ForAddress(address) : null;
            var client = channel is null ? null : new Bench.BenchClient(channel);
            Func<Task> call = client is null
                ? async () =>
                {
                    using var content = new ByteArrayContent(JsonRequest);
                    content.Headers.ContentType = new("application/json");
                    using var response = await http.PostAsync("/Greeter/Hello", content, cancellationToken).ConfigureAwait(false);
                    response.EnsureSuccessStatusCode();
                    _ = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                }
                : async () => _ = await client.HelloAsync(new HelloRequest { Name = "startup" }, cancellationToken: cancellationToken).ResponseAsync.ConfigureAwait(false);

            await call().ConfigureAwait(false);
            var firstCall = Stopwatch.GetTimestamp();

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            var idle = ResidentMegabytes(process.Id);

            var (calls, peak) = await LoadAsync(call, process.Id, load, concurrency, cancellationToken).ConfigureAwait(false);
            return new StartupSample(
                Stopwatch.GetElapsedTime(started, readyLine.At).TotalMilliseconds,
                Stopwatch.GetElapsedTime(started, firstCall).TotalMilliseconds,
                idle,
                peak,
                calls / load.TotalSeconds);
        }
        finally
        {
            await StopAsync(process).ConfigureAwait(false);
        }
    }

    /// <summary>Reads a process's resident set (VmRSS) from /proc, in MB (2^20 bytes).</summary>
    public static double ResidentMegabytes(int processId)
    {
        foreach (var line in File.ReadLines($"/proc/{processId}/status", Encoding.ASCII))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kilobytes = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                return kilobytes / 1024.0;
            }
        }

        throw new InvalidOperationException($"/proc/{processId}/status has no VmRSS line.");
    }

    private static async Task<(long Calls, double PeakRssMb)> LoadAsync(Func<Task> call, int processId, TimeSpan duration, int concurrency, CancellationToken cancellationToken)
    {
        long calls = 0;
        var peak = 0.0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(duration);
        var callers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (!stop.IsCancellationRequested)
            {
                await call().ConfigureAwait(false);
                if (!stop.IsCancellationRequested)
                {
                    Interlocked.Increment(ref calls); // calls that end inside the window only
                }
            }
        }).ToList();
        while (!stop.IsCancellationRequested)
        {
            peak = Math.Max(peak, ResidentMegabytes(processId));
            await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None).ConfigureAwait(false);
        }

        try
        {
            await Task.WhenAll(callers).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // A call cut off by the end of the window.
        }

        return (Interlocked.Read(ref calls), Math.Max(peak, ResidentMegabytes(processId)));
    }

    private static async Task StopAsync(Process process)
    {
        if (process.HasExited)
        {
            return;
        }

        // Graceful: the gRPC greeter stops when its standard input closes, a MicroHosting node on SIGTERM (and deregisters).
        process.StandardInput.Close();
        using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync().ConfigureAwait(false);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }
    }
}
