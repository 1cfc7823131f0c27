using System.Text.Json;
using MicroHosting.Cli.Output;

namespace MicroHosting.Cli.Commands;

/// <summary><c>micro publish &lt;topic&gt; '&lt;json&gt;'</c>: publishes the JSON as <c>application/json</c> through the selected broker.</summary>
internal static class PublishCommand
{
    public static async Task<int> RunAsync(CliSession session, string topic, string? json, CancellationToken cancellationToken)
    {
        if (!JsonInput.TryParse(json, session.Error, out var message))
        {
            return ExitCodes.Usage;
        }

        var broker = session.Settings.Broker;
        await Progress.RunAsync(
            $"publishing to {topic} on the {broker} broker",
            async ct =>
            {
                await session.Publisher.PublishAsync(topic, message, cancellationToken: ct).ConfigureAwait(false);

                // The http broker delivers from a queue: disposing drains it, so the message leaves before the process does.
                await session.DisposeAsync().ConfigureAwait(false);
                return true;
            },
            cancellationToken).ConfigureAwait(false);
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
