using System.Text.Json;
using MicroHosting.Cli.Output;

namespace MicroHosting.Cli.Commands;

/// <summary>
/// <c>micro publish &lt;topic&gt; '&lt;json&gt;'</c>: publishes the JSON as <c>application/json</c> through the selected broker
/// and returns once the broker took it: over the http broker, once a subscriber of every group acknowledged it
/// (exit 3 when the topic has no subscriber, 4 when every delivery failed); over nats, once the server has it.
/// </summary>
internal static class PublishCommand
{
    public static async Task<int> RunAsync(CliSession session, string topic, string? json, CancellationToken cancellationToken)
    {
        if (!JsonInput.TryParse(json, session.Error, out var message))
        {
            return ExitCodes.Usage;
        }

        var broker = session.Settings.Broker;
        try
        {
            await Progress.RunAsync(
                $"publishing to {topic} on the {broker} broker",
                async ct =>
                {
                    await session.Publisher.PublishAsync(topic, message, cancellationToken: ct).ConfigureAwait(false);

                    // Disposing flushes what a broker still buffers (the NATS connection) before the process ends.
                    await session.DisposeAsync().ConfigureAwait(false);
                    return true;
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (MicroException ex) when (ex.Code is 404 or 500 && !cancellationToken.IsCancellationRequested)
        {
            await session.Error.WriteLineAsync($"error: {ex.Detail} ({broker} broker)").ConfigureAwait(false);
            return ex.Code == 404 ? ExitCodes.NotFound : ExitCodes.Unavailable;
        }

        if (session.Settings.Json)
        {
            session.WriteJson(new { topic, broker, published = true });
        }
        else
        {
            await session.Error.WriteLineAsync($"published to {topic} ({broker} broker)").ConfigureAwait(false);
        }

        return ExitCodes.Ok;
    }
}
