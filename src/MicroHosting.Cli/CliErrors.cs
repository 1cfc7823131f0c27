using MicroHosting.Client;
using Microsoft.Extensions.Options;

namespace MicroHosting.Cli;

/// <summary>Turns what went wrong into a message on standard error and an exit code; the process never ends with a stack trace.</summary>
internal static class CliErrors
{
    public static async Task<int> RunAsync(CliSettings settings, Func<CliSession, CancellationToken, Task<int>> command, CancellationToken cancellationToken)
    {
        var error = Console.Error;
        try
        {
            var session = CliSession.Create(settings, Console.Out, error);
            await using (session.ConfigureAwait(false))
            {
                try
                {
                    return await command(session, cancellationToken).ConfigureAwait(false);
                }
                catch (MicroNodeNotFoundException notFound)
                {
                    // Reported while the session is alive: the hint says where the registry looked.
                    return await ReportAsync(error, Classify(notFound, session.NotFoundHint)).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("interrupted").ConfigureAwait(false);
            return ExitCodes.Interrupted;
        }
        catch (Exception ex)
        {
            return await ReportAsync(error, Classify(ex)).ConfigureAwait(false);
        }
    }

    /// <summary>The exit code and message for a failure outside a call's reply; <paramref name="notFoundHint"/> follows a "not found".</summary>
    public static (int Code, string Message) Classify(Exception ex, string notFoundHint = "") => ex switch
    {
        MicroNodeNotFoundException notFound => (ExitCodes.NotFound, notFound.Detail + notFoundHint),
        MicroNodesFailedException failed => (ExitCodes.Unavailable, failed.Detail),
        MicroException { Code: 408 } timeout => (ExitCodes.Unavailable, timeout.Detail),
        MicroException micro => (ExitCodes.Unavailable, $"{micro.Detail} ({micro.Code} {micro.Status})"),
        OptionsValidationException invalid => (ExitCodes.Usage, invalid.Message),
        InvalidOperationException invalid => (ExitCodes.Usage, invalid.Message),
        ArgumentException invalid => (ExitCodes.Usage, invalid.Message),
        HttpRequestException or IOException or System.Net.WebSockets.WebSocketException => (ExitCodes.Unavailable, ex.Message),
        TimeoutException => (ExitCodes.Unavailable, ex.Message),
        _ => (ExitCodes.Unavailable, $"{ex.GetType().Name}: {ex.Message}"),
    };

    private static async Task<int> ReportAsync(TextWriter error, (int Code, string Message) failure)
    {
        await error.WriteLineAsync("error: " + failure.Message).ConfigureAwait(false);
        return failure.Code;
    }
}
