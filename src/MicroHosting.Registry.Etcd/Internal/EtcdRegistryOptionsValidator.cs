using Microsoft.Extensions.Options;

namespace MicroHosting.Registry.Etcd.Internal;

/// <summary>Checks <see cref="EtcdRegistryOptions"/> when the host starts, with messages that say what to change.</summary>
internal sealed class EtcdRegistryOptionsValidator : IValidateOptions<EtcdRegistryOptions>
{
    public ValidateOptionsResult Validate(string? name, EtcdRegistryOptions options)
    {
        var failures = new List<string>();
        if (!EtcdAddresses.TryParse(options.Addresses, options.UseTls, out _, out var invalid))
        {
            failures.Add($"The etcd address '{invalid}' (Micro:Etcd:Addresses / MICRO_REGISTRY_ADDRESS) is not host:port. Use a comma-separated list such as 127.0.0.1:2379,10.0.0.6:2379.");
        }

        if (string.IsNullOrWhiteSpace(options.Prefix) || !options.Prefix.StartsWith('/'))
        {
            failures.Add($"The etcd key prefix '{options.Prefix}' (Micro:Etcd:Prefix) must start with '/'. Go Micro uses /micro/registry/ (the default).");
        }

        if (string.IsNullOrEmpty(options.Username) != string.IsNullOrEmpty(options.Password))
        {
            failures.Add("Micro:Etcd:Username and Micro:Etcd:Password go together: set both or neither.");
        }

        if (string.IsNullOrEmpty(options.CertFile) != string.IsNullOrEmpty(options.KeyFile))
        {
            failures.Add("Micro:Etcd:CertFile and Micro:Etcd:KeyFile go together: set both for a client certificate, or neither.");
        }

        foreach (var (setting, path) in new[] { ("CaFile", options.CaFile), ("CertFile", options.CertFile), ("KeyFile", options.KeyFile) })
        {
            if (!string.IsNullOrEmpty(path) && !File.Exists(path))
            {
                failures.Add($"Micro:Etcd:{setting} '{path}' does not exist.");
            }
        }

        if (options.DialTimeout <= TimeSpan.Zero)
        {
            failures.Add($"Micro:Etcd:DialTimeout must be positive, but is {options.DialTimeout}.");
        }

        if (options.OperationTimeout <= TimeSpan.Zero)
        {
            failures.Add($"Micro:Etcd:OperationTimeout must be positive, but is {options.OperationTimeout}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
