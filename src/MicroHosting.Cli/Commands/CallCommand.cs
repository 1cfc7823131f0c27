using System.Text.Json;
using MicroHosting.Cli.Output;
using MicroHosting.Client;

namespace MicroHosting.Cli.Commands;

/// <summary>
/// <c>micro call &lt;service&gt; &lt;Endpoint&gt; '&lt;json&gt;'</c>: sends the JSON as <c>application/json</c> through the
/// MicroHosting client (registry lookup, node selection, retries) and prints the reply, or the error JSON with exit code 1.
/// </summary>
internal static class CallCommand
{
    public static async Task<int> RunAsync(CliSession session, string service, string endpoint, string? json, CancellationToken cancellationToken)
    {
        if (!JsonInput.TryParse(json, session.Error, out var request))
        {
            return ExitCodes.Usage;
        }

        var options = session.CallOptions();
        options.ContentType = "application/json";
        try
        {
            var reply = await Progress.RunAsync(
                $"calling {service} {endpoint}",
                ct => session.Client.SendAsync<JsonElement, JsonElement>(service, endpoint, request, options, ct),
                cancellationToken).ConfigureAwait(false);
            session.WriteJson(reply.Value);
            return ExitCodes.Ok;
        }
        catch (MicroException ex)
        {
            // The error JSON is the result; remote errors and "no node" or "no answer" differ by exit code.
            await session.Out.WriteLineAsync(ex.ToJson()).ConfigureAwait(false);
            // Errors the client raised itself (registry down, timeout, every node failed) carry its id; the rest came from the service.
            if (ex is not (MicroNodeNotFoundException or MicroNodesFailedException) && ex.Id != MicroClientErrors.Id)
            {
                return ExitCodes.RemoteError;
            }

            var (code, message) = CliErrors.Classify(ex, session.NotFoundHint);
            await session.Error.WriteLineAsync("error: " + message).ConfigureAwait(false);
            return code;
        }
    }
}
