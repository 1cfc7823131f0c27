using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Hosting.Internal;

internal sealed class MicroBuilder(IServiceCollection services) : IMicroBuilder
{
    public IServiceCollection Services { get; } = services;
}
