using System.Globalization;

namespace MicroHosting.Benchmarks;

/// <summary>Parses <c>&lt;scenario&gt; [--quick] [--duration s] [--warmup s] [--repeat n] [--concurrency 1,16] [--in-process] [--no-pin] [--target text] [--rate n] [--alloc-profile]</c>.</summary>
internal static class BenchmarkCommandLine
{
    public const string Usage = """
        Usage: dotnet run -c Release --project test/MicroHosting.Benchmarks -- <scenario> [options]

        Options:
          --quick              a few seconds in all: 0.5 s windows, one repetition, concurrency 4
          --duration <s>       measured seconds per run (default 5)
          --warmup <s>         unmeasured warm-up seconds per run (default 1)
          --repeat <n>         repetitions; medians are reported (default 3)
          --concurrency <list> concurrent callers, comma-separated (default: per scenario)
          --in-process         run the servers in this process (default: a child process)
          --no-pin             do not pin server and load generator to one core each
          --rate <n>           fixed rate per second of the latency measurements (pubsub; default 1000)
          --target <text>      run only the rows whose name contains the text (e.g. under a profiler),
                               or every row of a table whose title does; "a|b" for either
          --alloc-profile      sample allocations by type (server and load generator) and print them with each run
          --                   (micro) pass the rest to BenchmarkDotNet, e.g. -- --filter *Json*
        """;

    /// <summary>Parses the arguments.</summary>
    /// <exception cref="ArgumentException">The arguments are invalid; the message says which and why.</exception>
    public static BenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args[0].StartsWith('-'))
        {
            throw new ArgumentException("Name a scenario first: " + string.Join(", ", Scenarios.Scenario.All.Select(s => s.Name)) + ".");
        }

        var scenario = args[0];
        if (!Scenarios.Scenario.All.Any(s => s.Name == scenario))
        {
            throw new ArgumentException($"Unknown scenario '{scenario}'; choose one of: {string.Join(", ", Scenarios.Scenario.All.Select(s => s.Name))}.");
        }

        var options = new BenchmarkOptions { Scenario = scenario };
        for (var i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            options = arg switch
            {
                "--quick" => options with { Quick = true },
                "--in-process" => options with { InProcess = true },
                "--no-pin" => options with { Pin = false },
                "--alloc-profile" => options with { AllocationProfile = true },
                "--target" => options with { Target = Value(args, ref i) },
                "--rate" => options with { Rate = Positive(arg, Value(args, ref i)) },
                "--duration" => options with { Duration = Seconds(arg, Value(args, ref i)) },
                "--warmup" => options with { Warmup = Seconds(arg, Value(args, ref i), allowZero: true) },
                "--repeat" => options with { Repeat = Positive(arg, Value(args, ref i)) },
                "--concurrency" => options with { Concurrency = [.. Value(args, ref i).Split(',').Select(v => Positive(arg, v))] },
                "--" => options with { Extra = [.. args.Skip(i + 1)] },
                _ => throw new ArgumentException($"Unknown option '{arg}'."),
            };
            if (arg == "--")
            {
                break;
            }
        }

        return options;
    }

    private static string Value(IReadOnlyList<string> args, ref int i)
    {
        if (i + 1 >= args.Count)
        {
            throw new ArgumentException($"{args[i]} needs a value.");
        }

        return args[++i];
    }

    private static TimeSpan Seconds(string option, string value, bool allowZero = false)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds < 0 || (seconds == 0 && !allowZero) || seconds > 3600)
        {
            throw new ArgumentException($"{option} takes seconds ({(allowZero ? "0" : "more than 0")} to 3600), not '{value}'.");
        }

        return TimeSpan.FromSeconds(seconds);
    }

    private static int Positive(string option, string value)
    {
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) || number < 1 || number > 10_000)
        {
            throw new ArgumentException($"{option} takes whole numbers from 1 to 10000, not '{value}'.");
        }

        return number;
    }
}
