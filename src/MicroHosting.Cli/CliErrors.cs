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
                return await command(session, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("interrupted").ConfigureAwait(false);
            return ExitCodes.Interrupted;
        }
        catch (Exception ex)
        {
            var (code, message) = Classify(ex);
            await error.WriteLineAsync("error: " + message).ConfigureAwait(false);
            return code;
        }
    }

    /// <summary>The exit code and message for a failure outside a call's reply.</summary>
    public static (int Code, string Message) Classify(Exception ex) => ex switch
    {
        MicroNodeNotFoundException notFound => (ExitCodes.NotFound, notFound.Detail),
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
}
