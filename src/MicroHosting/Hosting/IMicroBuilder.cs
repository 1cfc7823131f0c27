using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Hosting;

/// <summary>Returned by <c>AddMicro</c>/<c>AddMicroCore</c>; plug-ins (registries, brokers, codecs) extend it.</summary>
public interface IMicroBuilder
{
    /// <summary>Gets the service collection MicroHosting registers into.</summary>
    IServiceCollection Services { get; }
}
