using MicroHosting.Cli.Output;

namespace MicroHosting.Cli.Commands;

/// <summary><c>micro services</c>: every service name in the registry, with its versions and node count.</summary>
internal static class ServicesCommand
{
    public static async Task<int> RunAsync(CliSession session, CancellationToken cancellationToken)
    {
        var registry = session.Registry;
        var listed = await Progress.RunAsync($"listing services in the {registry.Name} registry", registry.ListServicesAsync, cancellationToken).ConfigureAwait(false);
        var names = listed.Select(s => s.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (session.Settings.Json)
        {
            session.WriteJson(names);
        }
        else if (names.Count == 0)
        {
            await session.Error.WriteLineAsync($"no services in the {registry.Name} registry").ConfigureAwait(false);
        }
        else
        {
            foreach (var name in names)
            {
                await session.Out.WriteLineAsync(name).ConfigureAwait(false);
            }
        }

        return ExitCodes.Ok;
    }
}
