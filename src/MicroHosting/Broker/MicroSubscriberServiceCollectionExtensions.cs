using System.Diagnostics.CodeAnalysis;
using MicroHosting.Broker;
using MicroHosting.Broker.Internal;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds subscribers and typed publishers. Subscribers start once the app listens and is registered, and stop gracefully.</summary>
public static class MicroSubscriberServiceCollectionExtensions
{
    /// <summary>
    /// Subscribes <paramref name="handler"/> to <paramref name="topic"/>. Each message is decoded by its <c>Content-Type</c>
    /// into <typeparamref name="T"/> and handled in a new service scope (<see cref="MicroMessageContext.Services"/>).
    /// The subscriber is listed in the registry as Go Micro lists subscribers (<c>topic</c>, <c>subscriber=true</c>).
    /// </summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <param name="topic">The topic.</param>
    /// <param name="handler">Handles one message; throwing fails the delivery.</param>
    /// <param name="queue">The queue group: members of one group compete for each message. <see langword="null"/> (default): every subscriber gets every message.</param>
    /// <returns>A builder for this subscriber's wrappers.</returns>
    public static IMicroSubscriberBuilder AddMicroSubscriber<T>(this IServiceCollection services, string topic, Func<T, MicroMessageContext, CancellationToken, Task> handler, string? queue = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        return Add(services, MicroSubscriberDefinition.Create(topic, queue, DelegateEndpointName(topic, queue), handler));
    }

    /// <summary>Subscribes <paramref name="handler"/> to <paramref name="topic"/>; see the overload with <see cref="MicroMessageContext"/>.</summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <param name="topic">The topic.</param>
    /// <param name="handler">Handles one message; throwing fails the delivery.</param>
    /// <param name="queue">The queue group, or <see langword="null"/> for broadcast.</param>
    /// <returns>A builder for this subscriber's wrappers.</returns>
    public static IMicroSubscriberBuilder AddMicroSubscriber<T>(this IServiceCollection services, string topic, Func<T, CancellationToken, Task> handler, string? queue = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return services.AddMicroSubscriber<T>(topic, (message, _, cancellationToken) => handler(message, cancellationToken), queue);
    }

    /// <summary>
    /// Subscribes the class <typeparamref name="THandler"/> to <paramref name="topic"/>. It is registered as scoped (unless
    /// already registered) and resolved from a new scope for every message.
    /// </summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <typeparam name="THandler">The subscriber class.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <param name="topic">The topic.</param>
    /// <param name="queue">The queue group, or <see langword="null"/> for broadcast.</param>
    /// <returns>A builder for this subscriber's wrappers.</returns>
    public static IMicroSubscriberBuilder AddMicroSubscriber<T, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(this IServiceCollection services, string topic, string? queue = null)
        where THandler : class, IMicroSubscriber<T>
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddScoped<THandler>();
        return Add(services, MicroSubscriberDefinition.Create<T>(
            topic,
            queue,
            $"{typeof(THandler).Name}.Handle",
            (message, context, cancellationToken) => context.Services.GetRequiredService<THandler>().HandleAsync(message, context, cancellationToken)));
    }

    /// <summary>Registers an <see cref="IPublisher{T}"/> that publishes <typeparamref name="T"/> messages to <paramref name="topic"/>.</summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <param name="topic">The topic.</param>
    /// <param name="contentType">The content type to encode with; <see langword="null"/> for the default (see <see cref="MicroPublishOptions.ContentType"/>).</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddMicroPublisher<T>(this IServiceCollection services, string topic, string? contentType = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        services.AddMicroCore();
        services.AddSingleton<IPublisher<T>>(sp => new TopicPublisher<T>(sp.GetRequiredService<IMicroPublisher>(), topic, contentType));
        services.AddKeyedSingleton<IPublisher<T>>(topic, (sp, _) => new TopicPublisher<T>(sp.GetRequiredService<IMicroPublisher>(), topic, contentType));
        return services;
    }

    internal static string DelegateEndpointName(string topic, string? queue) => queue is null ? $"Func.{topic}" : $"Func.{topic}.{queue}";

    private static MicroSubscriberDefinition Add(IServiceCollection services, MicroSubscriberDefinition definition)
    {
        services.AddMicroCore();
        services.AddSingleton(definition);
        return definition;
    }
}
