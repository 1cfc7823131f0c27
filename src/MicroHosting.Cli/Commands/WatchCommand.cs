using System.Globalization;
using MicroHosting.Registry;

namespace MicroHosting.Cli.Commands;

/// <summary><c>micro watch</c>: prints registry events as they happen until Ctrl+C, or after <c>--count</c> events.</summary>
internal static class WatchCommand
{
    public static async Task<int> RunAsync(CliSession session, string? service, int? count, CancellationToken cancellationToken)
    {
        var registry = session.Registry;
        var seen = 0;
        try
        {
            var events = registry.WatchAsync(service, cancellationToken);
            await session.Error.WriteLineAsync($"watching the {registry.Name} registry{(service is null ? string.Empty : " for " + service)} (Ctrl+C to stop)").ConfigureAwait(false);
            await foreach (var change in events.ConfigureAwait(false))
            {
                var type = change.Type.ToString().ToLowerInvariant();
                var nodes = change.Service.Nodes.Select(n => $"{n.Id}@{n.HostPort}");
                if (session.Settings.Json)
                {
                    // One JSON object per line, for jq and friends.
                    await session.Out.WriteLineAsync(System.Text.Json.JsonSerializer.Serialize(
                        new { type, service = change.Service.Name, version = change.Service.Version, nodes = change.Service.Nodes.Select(n => new { n.Id, Address = n.HostPort }), timestamp = change.Timestamp },
                        System.Text.Json.JsonSerializerOptions.Web)).ConfigureAwait(false);
                }
                else
                {
                    await session.Out.WriteLineAsync(string.Join(
                        "  ",
                        change.Timestamp.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
                        type.PadRight(6),
                        change.Service.Name,
                        change.Service.Version,
                        string.Join(",", nodes))).ConfigureAwait(false);
                }

                await session.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (count is { } limit && ++seen >= limit)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Ok; // Ctrl+C is how a watch ends
        }

        return ExitCodes.Ok;
    }
}
