using MicroHosting.Broker;
using MicroHosting.Broker.Internal;
using MicroHosting.Hosting;
using MicroHosting.Hosting.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Plug-in points of <see cref="IMicroBuilder"/> for pub/sub: brokers, the http broker's settings and subscriber wrappers.</summary>
public static class MicroBrokerBuilderExtensions
{
    /// <summary>
    /// Makes a broker available under <paramref name="name"/>, selectable with <c>MICRO_BROKER</c> / <c>Micro:Broker</c>.
    /// It does not select it: see <see cref="UseBroker(IMicroBuilder, string)"/>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The name (<c>nats</c>, <c>rabbitmq</c>); case does not matter, it is kept and selected in lower case.</param>
    /// <param name="factory">Creates the broker once, when first needed.</param>
    /// <returns>The builder.</returns>
    public static IMicroBuilder AddBroker(this IMicroBuilder builder, string name, Func<IServiceProvider, IBroker> factory)
        => MicroPlugins.Broker.Add(builder, name, factory);

    /// <summary>Selects the broker named <paramref name="name"/> in code. <c>MICRO_BROKER</c> and <c>Micro:Broker</c> still override it.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">A broker name: <c>http</c> (the default), <c>memory</c>, or one added with <see cref="AddBroker"/>.</param>
    /// <returns>The builder.</returns>
    public static IMicroBuilder UseBroker(this IMicroBuilder builder, string name)
        => MicroPlugins.Broker.Use(builder, name);

    /// <summary>
    /// Uses this broker instance, for example one <see cref="InMemoryBroker"/> shared by several hosts in one process.
    /// Selected in code under the instance's <see cref="IBroker.Name"/> (in lower case, as every broker name); the
    /// container does not dispose it.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="broker">The broker.</param>
    /// <returns>The builder.</returns>
    public static IMicroBuilder UseBroker(this IMicroBuilder builder, IBroker broker)
        => MicroPlugins.Broker.Use(builder, broker);

    /// <summary>Configures the http broker (retries, outbound queue and overflow policy, subscriber registration).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Changes the options; the <c>Micro:HttpBroker</c> configuration section is applied first.</param>
    /// <returns>The builder.</returns>
    public static IMicroBuilder ConfigureHttpBroker(this IMicroBuilder builder, Action<HttpBrokerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>
    /// Adds a wrapper around every subscriber (Go Micro's <c>WrapSubscriber</c>): middleware that sees each message's
    /// <see cref="MicroMessageContext"/> and calls <c>next</c> to continue. Wrappers run in the order added, before the
    /// per-subscriber ones. Throwing (or not calling <c>next</c>) stops the message there; throwing fails the delivery.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="wrapper">The wrapper.</param>
    /// <returns>The builder.</returns>
    public static IMicroBuilder AddSubscriberWrapper(this IMicroBuilder builder, Func<MicroMessageContext, MicroMessageDelegate, Task> wrapper)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(wrapper);
        builder.Services.Configure<MicroSubscriberOptions>(o => o.Wrappers.Add(wrapper));
        return builder;
    }
}
