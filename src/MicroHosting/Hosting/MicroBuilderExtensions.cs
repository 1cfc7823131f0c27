using System.Diagnostics.CodeAnalysis;
using MicroHosting.Codecs;
using MicroHosting.Hosting;
using MicroHosting.Hosting.Internal;
using MicroHosting.Registry;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Plug-in points of <see cref="IMicroBuilder"/>: registries, codecs, health checks and lifecycle hooks.</summary>
public static class MicroBuilderExtensions
{
    /// <summary>
    /// Makes a registry available under <paramref name="name"/>, selectable with <c>MICRO_REGISTRY</c> / <c>Micro:Registry</c>.
    /// It does not select it: see <see cref="UseRegistry(IMicroBuilder, string)"/>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The name (<c>etcd</c>, <c>consul</c>); case does not matter, it is kept and selected in lower case.</param>
    /// <param name="factory">Creates the registry once, when first needed.</param>
    /// <returns>The builder.</returns>
    public static IMicroBuilder AddRegistry(this IMicroBuilder builder, string name, Func<IServiceProvider, IRegistry> factory)
        => MicroPlugins.Registry.Add(builder, name, factory);

    /// <summary>Selects the registry named <paramref name="name"/> in code. <c>MICRO_REGISTRY</c> and <c>Micro:Registry</c> still override it.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">A registry name: <c>mdns</c>, <c>memory</c>, <c>static</c>, or one added with <see cref="AddRegistry"/>.</param>
    /// <returns>The builder.</returns>
    public static IMicroBuilder UseRegistry(this IMicroBuilder builder, string name)
        => MicroPlugins.Registry.Use(builder, name);

    /// <summary>
    /// Uses this registry instance, for example one <see cref="InMemoryRegistry"/> shared by several hosts in one process.
    /// Selected in code under the instance's <see cref="IRegistry.Name"/>. The caller owns the instance: hosts never dispose it.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="registry">The registry.</param>
    /// <returns>The builder.</returns>
    public static IMicroBuilder UseRegistry(this IMicroBuilder builder, IRegistry registry)
        => MicroPlugins.Registry.Use(builder, registry);

    /// <summary>
    /// Adds a codec; it replaces any earlier codec for the same content type. A <see cref="JsonMicroCodec"/> also
    /// replaces the JSON-based wire codecs built on it, <c>application/grpc+json</c> and Go Micro's
    /// <c>application/json-rpc</c>, so one set of serializer options (for example a source-generated context under
    /// Native AOT) serves every JSON content type.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="codec">The codec.</param>
    /// <returns>The builder.</returns>
    public static IMicroBuilder AddCodec(this IMicroBuilder builder, MicroCodec codec)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(codec);
        builder.Services.AddSingleton(codec);
        if (codec is JsonMicroCodec json)
        {
            builder.Services.AddSingleton<MicroCodec>(new GrpcFramedMicroCodec(GrpcFramedMicroCodec.JsonMediaType, json));
            builder.Services.AddSingleton<MicroCodec>(new JsonRpcMicroCodec(json));
        }

        return builder;
    }

    /// <summary>
    /// Adds a plug-in's health check under <paramref name="name"/> with the tag <c>micro</c>, as the built-in checks are
    /// (<c>micro-registration</c>, <c>micro-registry</c>, <c>micro-etcd</c>, <c>micro-broker-nats</c>): its type is a
    /// singleton, and the check is added once however often this is called with that type.
    /// </summary>
    /// <typeparam name="THealthCheck">The health check.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The check's name, for example <c>micro-broker-rabbitmq</c>.</param>
    /// <returns>The builder.</returns>
    public static IMicroBuilder AddHealthCheck<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THealthCheck>(this IMicroBuilder builder, string name)
        where THealthCheck : class, IHealthCheck
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var services = builder.Services;
        if (!services.Any(d => d.ServiceType == typeof(THealthCheck)))
        {
            services.AddSingleton<THealthCheck>();
            services.AddHealthChecks().AddCheck<THealthCheck>(name, tags: ["micro"]);
        }

        return builder;
    }

    /// <summary>Runs <paramref name="hook"/> before the server starts (Go Micro's BeforeStart). Throwing fails the start.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="hook">The hook.</param>
    /// <returns>The builder.</returns>
    public static IMicroBuilder BeforeStart(this IMicroBuilder builder, Func<IServiceProvider, CancellationToken, Task> hook)
        => builder.Hook(o => o.BeforeStart.Add(hook));

    /// <summary>Runs <paramref name="hook"/> once the service listens and is registered (Go Micro's AfterStart).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="hook">The hook.</param>
    /// <returns>The builder.</returns>
    public static IMicroBuilder AfterStart(this IMicroBuilder builder, Func<IServiceProvider, CancellationToken, Task> hook)
        => builder.Hook(o => o.AfterStart.Add(hook));

    /// <summary>Runs <paramref name="hook"/> when stopping begins, before deregistration (Go Micro's BeforeStop). Failures are logged.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="hook">The hook.</param>
    /// <returns>The builder.</returns>
    public static IMicroBuilder BeforeStop(this IMicroBuilder builder, Func<IServiceProvider, CancellationToken, Task> hook)
        => builder.Hook(o => o.BeforeStop.Add(hook));

    /// <summary>Runs <paramref name="hook"/> after the host stopped (Go Micro's AfterStop). Failures are logged.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="hook">The hook.</param>
    /// <returns>The builder.</returns>
    public static IMicroBuilder AfterStop(this IMicroBuilder builder, Func<IServiceProvider, CancellationToken, Task> hook)
        => builder.Hook(o => o.AfterStop.Add(hook));

    private static IMicroBuilder Hook(this IMicroBuilder builder, Action<MicroLifecycleOptions> add)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure(add);
        return builder;
    }
}
