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
        catch (MicroException ex) when (ex is not (MicroNodeNotFoundException or MicroNodesFailedException) && !(ex.Code == 408 && ex.Id == MicroClientErrors.Id))
        {
            // The service's own error: its JSON is the result.
            await session.Out.WriteLineAsync(ex.ToJson()).ConfigureAwait(false);
            return ExitCodes.RemoteError;
        }
    }
}
