using MicroHosting.Security.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace MicroHosting.Tests.Security.Internal;

public sealed class ReloadingFilesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("microhosting-reload-").FullName;
    private readonly FakeTimeProvider _time = new();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Current_FileChanged_ReloadedOnlyOnceTheIntervalPassed()
    {
        var file = Write("token", "one");
        var files = new ReloadingFiles<string>([file], () => File.ReadAllText(file), _time, TimeSpan.FromMinutes(1), NullLogger.Instance);

        Touch(file, "two");
        var beforeInterval = files.Current;
        _time.Advance(TimeSpan.FromMinutes(1));
        var afterInterval = files.Current;

        Assert.Equal(("one", "two", 2), (beforeInterval, afterInterval, files.Loads));
    }

    [Fact]
    public void Current_FileUnchanged_NotReadAgain()
    {
        var file = Write("token", "one");
        var reads = 0;
        var files = new ReloadingFiles<string>([file], () => { reads++; return File.ReadAllText(file); }, _time, TimeSpan.Zero, NullLogger.Instance);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("one", files.Current);
        }

        Assert.Equal(1, reads);
    }

    [Fact]
    public void Current_ReloadFails_KeepsThePreviousValueWarnsAndRetriesAtTheNextCheck()
    {
        var file = Write("token", "one");
        var logger = new FakeLogger();
        var files = new ReloadingFiles<string>(
            [file], () => File.ReadAllText(file) is "broken" ? throw new InvalidOperationException("half written") : File.ReadAllText(file), _time, TimeSpan.Zero, logger);

        Touch(file, "broken");
        var during = files.Current;
        Touch(file, "three", seconds: 4);
        var after = files.Current;

        Assert.Equal(("one", "three"), (during, after));
        var warning = Assert.Single(logger.Collector.GetSnapshot(), r => r.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
        Assert.Equal("TlsFilesReloadFailed", warning.Id.Name);
        Assert.Contains("half written", warning.Message, StringComparison.Ordinal);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static void Touch(string path, string content, int seconds = 2)
    {
        File.WriteAllText(path, content);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(seconds)); // visible whatever the file system's time resolution
    }
}
