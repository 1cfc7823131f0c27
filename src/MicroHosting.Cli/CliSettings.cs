namespace MicroHosting.Cli;

/// <summary>The global options of every command: flags first, then the same <c>MICRO_*</c> variables services read.</summary>
internal sealed record CliSettings(string Registry, string? RegistryAddress, string Broker, string? BrokerAddress, bool Json, TimeSpan Timeout);
