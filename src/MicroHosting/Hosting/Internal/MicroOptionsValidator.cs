using Microsoft.Extensions.Options;

namespace MicroHosting.Hosting.Internal;

/// <summary>Checks the options when the host starts, with messages that say what to change.</summary>
internal sealed class MicroOptionsValidator : IValidateOptions<MicroOptions>
{
    public ValidateOptionsResult Validate(string? name, MicroOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Name))
        {
            failures.Add("The service name is required: set Micro:Name in configuration, MICRO_SERVER_NAME in the environment, or AddMicro(o => o.Name = \"greeter\").");
        }
        else if (options.Name.AsSpan().IndexOfAny(" /\\:\t") >= 0)
        {
            failures.Add($"The service name '{options.Name}' contains a space, '/', '\\' or ':'. Use letters, digits, '.', '-' or '_' (for example go.micro.srv.greeter).");
        }

        if (string.IsNullOrWhiteSpace(options.Version))
        {
            failures.Add("The service version is empty: leave it unset for 'latest' or set Micro:Version / MICRO_SERVER_VERSION.");
        }

        if (options.Address is not null && !HostPort.TryParse(options.Address, out _))
        {
            failures.Add($"The server address '{options.Address}' (Micro:Address / MICRO_SERVER_ADDRESS) is not host:port. Examples: 127.0.0.1:8081, :8081, [::1]:0.");
        }

        if (options.Http2Address is not null)
        {
            if (!HostPort.TryParse(options.Http2Address, out var http2))
            {
                failures.Add($"The HTTP/2 address '{options.Http2Address}' (Micro:Http2Address / MICRO_SERVER_HTTP2_ADDRESS) is not host:port. Examples: 127.0.0.1:8082, :8082, [::1]:0.");
            }
            else if (options.Address is null)
            {
                failures.Add($"The HTTP/2 address '{options.Http2Address}' (Micro:Http2Address / MICRO_SERVER_HTTP2_ADDRESS) needs the main address too: set Micro:Address / MICRO_SERVER_ADDRESS (for example 127.0.0.1:8081), because listening on a second address in code makes Kestrel ignore the urls setting.");
            }
            else if (HostPort.TryParse(options.Address, out var main) && main.Value.Port != 0 && main.Value.Port == http2.Value.Port)
            {
                failures.Add($"The HTTP/2 address '{options.Http2Address}' (Micro:Http2Address / MICRO_SERVER_HTTP2_ADDRESS) uses the port of the main address '{options.Address}'. Give it a port of its own, or 0 for a free one.");
            }
        }

        if (options.Server is not (MicroOptions.MucpServer or MicroOptions.GrpcServer))
        {
            failures.Add($"The server '{options.Server}' (Micro:Server / MICRO_SERVER) is not one MicroHosting registers as: use mucp (Go Micro's http transport, the default) or grpc (Go Micro v2's gRPC server).");
        }

        if (options.Advertise is not null && !(HostPort.TryParse(options.Advertise, out var advertise) && advertise.Value.Port > 0 && advertise.Value.Host.Length > 0))
        {
            failures.Add($"The advertised address '{options.Advertise}' (Micro:Advertise / MICRO_SERVER_ADVERTISE) is not host:port with a host and a non-zero port, for example 10.0.0.5:8081.");
        }

        if (options.RegisterInterval <= TimeSpan.Zero)
        {
            failures.Add($"RegisterInterval (MICRO_REGISTER_INTERVAL) must be positive, but is {options.RegisterInterval}.");
        }

        if (options.RegisterTtl < TimeSpan.Zero)
        {
            failures.Add($"RegisterTtl (MICRO_REGISTER_TTL) must not be negative, but is {options.RegisterTtl}.");
        }
        else if (options.RegisterTtl > TimeSpan.Zero && options.RegisterInterval >= options.RegisterTtl)
        {
            failures.Add($"RegisterInterval ({options.RegisterInterval.TotalSeconds}s) must be shorter than RegisterTtl ({options.RegisterTtl.TotalSeconds}s), or the registration expires between refreshes.");
        }

        if (string.IsNullOrWhiteSpace(options.Registry))
        {
            failures.Add("Registry (MICRO_REGISTRY) is empty: use mdns (the default), memory, static, or etcd with the MicroHosting.Registry.Etcd package.");
        }

        if (options.MaxRequestBodySize <= 0)
        {
            failures.Add($"MaxRequestBodySize must be positive, but is {options.MaxRequestBodySize}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
