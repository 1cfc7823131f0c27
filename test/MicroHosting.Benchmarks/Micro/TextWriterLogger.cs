using BenchmarkDotNet.Loggers;

namespace MicroHosting.Benchmarks.Micro;

/// <summary>Sends BenchmarkDotNet's progress output to the run's log writer.</summary>
internal sealed class TextWriterLogger(TextWriter writer) : ILogger
{
    public string Id => nameof(TextWriterLogger);

    public int Priority => 0;

    public void Write(LogKind logKind, string text) => writer.Write(text);

    public void WriteLine() => writer.WriteLine();

    public void WriteLine(LogKind logKind, string text) => writer.WriteLine(text);

    public void Flush() => writer.Flush();
}
