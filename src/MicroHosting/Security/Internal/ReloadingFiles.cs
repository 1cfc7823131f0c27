using MicroHosting.Diagnostics;
using Microsoft.Extensions.Logging;

namespace MicroHosting.Security.Internal;

/// <summary>
/// A value read from files and read again when they change: at most every <c>interval</c>, the files' write times and
/// sizes are compared with the last load's. A reload that fails (a half-written file) keeps the previous value, logs a
/// warning and is tried again at the next check, so a rotation never takes the node's TLS down.
/// </summary>
internal sealed partial class ReloadingFiles<T>
    where T : class
{
    private readonly string[] _paths;
    private readonly Func<T?> _load;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _interval;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private (DateTime Written, long Length)[] _stamps;
    private long _checkedAt;
    private T? _value;

    public ReloadingFiles(string?[] paths, Func<T?> load, TimeProvider timeProvider, TimeSpan interval, ILogger logger)
    {
        _paths = [.. paths.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p!)];
        _load = load;
        _timeProvider = timeProvider;
        _interval = interval;
        _logger = logger;
        _stamps = Stamps();
        _value = load();
        _checkedAt = timeProvider.GetTimestamp();
    }

    /// <summary>Gets how many times the files were read (the first load included).</summary>
    public int Loads { get; private set; } = 1;

    /// <summary>Gets the current value, reloading first when the check is due and a file changed.</summary>
    public T? Current
    {
        get
        {
            if (_paths.Length == 0 || _timeProvider.GetElapsedTime(Volatile.Read(ref _checkedAt)) < _interval)
            {
                return Volatile.Read(ref _value);
            }

            lock (_gate)
            {
                if (_timeProvider.GetElapsedTime(_checkedAt) >= _interval)
                {
                    Check();
                    Volatile.Write(ref _checkedAt, _timeProvider.GetTimestamp());
                }

                return _value;
            }
        }
    }

    private void Check()
    {
        var stamps = Stamps();
        if (stamps.AsSpan().SequenceEqual(_stamps))
        {
            return;
        }

        try
        {
            var value = _load();
            Volatile.Write(ref _value, value);
            _stamps = stamps;
            Loads++;
            LogReloaded(string.Join(", ", _paths));
        }
        catch (InvalidOperationException ex)
        {
            LogReloadFailed(string.Join(", ", _paths), ex.Message);
        }
    }

    private (DateTime Written, long Length)[] Stamps()
    {
        var stamps = new (DateTime, long)[_paths.Length];
        for (var i = 0; i < _paths.Length; i++)
        {
            // FileInfo follows symbolic links, so a Kubernetes secret's swapped ..data link counts as a change.
            var file = new FileInfo(_paths[i]);
            var target = file.LinkTarget is not null ? file.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? file : file;
            stamps[i] = target.Exists ? (target.LastWriteTimeUtc, target.Length) : (DateTime.MinValue, -1);
        }

        return stamps;
    }

    [LoggerMessage(EventId = MicroEventIds.TlsFilesReloaded, EventName = "TlsFilesReloaded", Level = LogLevel.Information, Message = "TLS files changed and were loaded again: {Files}")]
    private partial void LogReloaded(string files);

    [LoggerMessage(EventId = MicroEventIds.TlsFilesReloadFailed, EventName = "TlsFilesReloadFailed", Level = LogLevel.Warning, Message = "TLS files changed but cannot be loaded, so the previous ones stay in use until the next check: {Files}: {Error}")]
    private partial void LogReloadFailed(string files, string error);
}
