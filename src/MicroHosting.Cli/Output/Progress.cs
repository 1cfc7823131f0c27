namespace MicroHosting.Cli.Output;

/// <summary>
/// Shows what the tool waits for on standard error: a spinner with the elapsed time on a terminal, nothing when standard
/// error is redirected (scripts), so standard output stays clean for the result either way.
/// </summary>
internal static class Progress
{
    private static readonly TimeSpan ShowAfter = TimeSpan.FromMilliseconds(250);
    private static readonly char[] Frames = ['|', '/', '-', '\\'];

    public static async Task<T> RunAsync<T>(string what, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        if (Console.IsErrorRedirected)
        {
            return await work(cancellationToken).ConfigureAwait(false);
        }

        var task = work(cancellationToken);
        var started = DateTime.UtcNow;
        var frame = 0;
        var shown = false;
        while (!task.IsCompleted)
        {
            await Task.WhenAny(task, Task.Delay(shown ? TimeSpan.FromMilliseconds(100) : ShowAfter, CancellationToken.None)).ConfigureAwait(false);
            if (!task.IsCompleted)
            {
                shown = true;
                Console.Error.Write($"\r{Frames[frame++ % Frames.Length]} {what} ({(DateTime.UtcNow - started).TotalSeconds:0.0}s)");
            }
        }

        if (shown)
        {
            Console.Error.Write("\r" + new string(' ', what.Length + 16) + "\r");
        }

        return await task.ConfigureAwait(false);
    }
}
