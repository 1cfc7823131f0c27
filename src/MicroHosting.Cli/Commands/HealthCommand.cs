using System.Text.Json;
using MicroHosting.Cli.Output;
using MicroHosting.Client;

namespace MicroHosting.Cli.Commands;

/// <summary><c>micro health &lt;service&gt;</c>: asks every node for <c>Debug.Health</c>; exit code 1 when any node is not ok.</summary>
internal static class HealthCommand
{
    public static async Task<int> RunAsync(CliSession session, string name, CancellationToken cancellationToken)
    {
        var versions = await session.LookUpAsync(name, cancellationToken).ConfigureAwait(false);
        var nodes = versions.SelectMany(s => s.Nodes.Select(n => (s.Version, Node: n))).ToList();
        if (nodes.Count == 0)
        {
            return ExitCodes.NotFound;
        }

        var results = await Progress.RunAsync(
            $"asking {nodes.Count} node(s) of {name} for Debug.Health",
            ct => Task.WhenAll(nodes.Select(n => CheckAsync(session, name, n.Version, n.Node, ct))),
            cancellationToken).ConfigureAwait(false);
        if (session.Settings.Json)
        {
            session.WriteJson(results);
        }
        else
        {
            var table = new Table("VERSION", "NODE", "ADDRESS", "STATUS");
            foreach (var result in results)
            {
                table.Add(result.Version, result.Node, result.Address, result.Error is null ? result.Status : $"{result.Status}: {result.Error}");
            }

            table.WriteTo(session.Out);
        }

        return results.All(r => r.Status == "ok") ? ExitCodes.Ok : ExitCodes.RemoteError;
    }

    private static async Task<NodeHealth> CheckAsync(CliSession session, string service, string version, Registry.MicroNode node, CancellationToken cancellationToken)
    {
        var options = session.CallOptions();
        options.ContentType = "application/json";
        options.Retries = 0;
        options.Filter = (_, candidate) => candidate.Id == node.Id;
        try
        {
            using var empty = JsonDocument.Parse("{}");
            var reply = await session.Client.CallAsync<JsonElement, JsonElement>(service, "Debug.Health", empty.RootElement, options, cancellationToken).ConfigureAwait(false);
            var status = reply.ValueKind == JsonValueKind.Object && reply.TryGetProperty("status", out var value) ? value.GetString() ?? "?" : "?";
            return new NodeHealth(version, node.Id, node.HostPort, status, null);
        }
        catch (MicroException ex)
        {
            return new NodeHealth(version, node.Id, node.HostPort, ex.Code == 408 || ex is MicroNodesFailedException ? "unreachable" : "error", ex.Detail);
        }
    }

    /// <summary>One node's answer.</summary>
    internal sealed record NodeHealth(string Version, string Node, string Address, string Status, string? Error);
}
