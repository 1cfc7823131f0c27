using System.Diagnostics.CodeAnalysis;
using MicroHosting.Client;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers client call middleware (<see cref="IMicroClientMiddleware"/>).</summary>
public static class MicroClientMiddlewareServiceCollectionExtensions
{
    /// <summary>
    /// Adds <typeparamref name="TMiddleware"/> (a singleton) around every call a MicroHosting client makes, unary calls
    /// and streams alike. Middleware runs in the order registered, the first outermost; adding the same type twice adds it once.
    /// </summary>
    /// <typeparam name="TMiddleware">The middleware type.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddMicroClientMiddleware<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TMiddleware>(this IServiceCollection services)
        where TMiddleware : class, IMicroClientMiddleware
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMicroClientMiddleware, TMiddleware>());
        return services;
    }

    /// <summary>Adds a middleware given as a function around every call a MicroHosting client makes (see <see cref="AddMicroClientMiddleware{TMiddleware}(IServiceCollection)"/>).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="middleware">The middleware: calls <c>next</c> to make the call.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddMicroClientMiddleware(this IServiceCollection services, Func<MicroClientCallContext, MicroClientCallDelegate, ValueTask> middleware)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(middleware);
        services.AddSingleton<IMicroClientMiddleware>(new DelegateMiddleware(middleware));
        return services;
    }

    private sealed class DelegateMiddleware(Func<MicroClientCallContext, MicroClientCallDelegate, ValueTask> middleware) : IMicroClientMiddleware
    {
        public ValueTask InvokeAsync(MicroClientCallContext context, MicroClientCallDelegate next) => middleware(context, next);
    }
}
