using System.Text;
using MicroHosting.Cli.Output;
using MicroHosting.Registry;

namespace MicroHosting.Cli.Commands;

/// <summary><c>micro service &lt;name&gt;</c>: each version's nodes (with metadata) and endpoints (with request and response shapes).</summary>
internal static class ServiceCommand
{
    public static async Task<int> RunAsync(CliSession session, string name, CancellationToken cancellationToken)
    {
        var versions = await session.LookUpAsync(name, cancellationToken).ConfigureAwait(false);
        if (versions.Count == 0)
        {
            return ExitCodes.NotFound;
        }

        if (session.Settings.Json)
        {
            session.WriteJson(versions);
            return ExitCodes.Ok;
        }

        var output = session.Out;
        foreach (var service in versions.OrderBy(s => s.Version, StringComparer.Ordinal))
        {
            await output.WriteLineAsync($"service  {service.Name}").ConfigureAwait(false);
            await output.WriteLineAsync($"version  {service.Version}").ConfigureAwait(false);
            await output.WriteLineAsync().ConfigureAwait(false);
            var nodes = new Table("ID", "ADDRESS", "METADATA");
            foreach (var node in service.Nodes)
            {
                nodes.Add(node.Id, node.HostPort, Metadata(node.Metadata));
            }

            nodes.WriteTo(output);
            await output.WriteLineAsync().ConfigureAwait(false);
            var endpoints = new Table("ENDPOINT", "REQUEST", "RESPONSE", "METADATA");
            foreach (var endpoint in service.Endpoints)
            {
                endpoints.Add(endpoint.Name, Shape(endpoint.Request), Shape(endpoint.Response), Metadata(endpoint.Metadata));
            }

            if (endpoints.Count > 0)
            {
                endpoints.WriteTo(output);
                await output.WriteLineAsync().ConfigureAwait(false);
            }
        }

        return ExitCodes.Ok;
    }

    internal static string Metadata(IReadOnlyDictionary<string, string> metadata)
        => string.Join(",", metadata.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));

    /// <summary>A value as <c>Type{field type, ...}</c>, nested fields included.</summary>
    internal static string Shape(MicroValue? value)
    {
        if (value is null)
        {
            return "-";
        }

        var text = new StringBuilder(value.Type);
        AppendFields(text, value);
        return text.ToString();
    }

    private static void AppendFields(StringBuilder text, MicroValue value)
    {
        if (value.Values is not { Count: > 0 } fields)
        {
            return;
        }

        text.Append('{');
        for (var i = 0; i < fields.Count; i++)
        {
            var field = fields[i];
            text.Append(i == 0 ? string.Empty : ", ").Append(field.Name).Append(' ').Append(field.Type);
            AppendFields(text, field);
        }

        text.Append('}');
    }
}
