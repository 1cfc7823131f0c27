using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using MicroHosting;
using MicroHosting.Client;
using MicroHosting.Client.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Typed MicroHosting clients, the ASP.NET way.</summary>
public static class MicroClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TClient"/> as a typed client of the service named <paramref name="service"/>. Its
    /// constructor takes either a <see cref="MicroServiceClient"/> (typed calls: <c>CallAsync&lt;TRequest, TResponse&gt;("Greeter.Hello", ...)</c>)
    /// or an <see cref="HttpClient"/> whose requests to <c>/Type/Method</c> go to a node of the service. Either way the
    /// requests run through the MicroHosting pipeline: discovery, selection, retries on another node, deadline and
    /// metadata propagation. Also adds the MicroHosting client services (<c>AddMicroCore</c>) when missing.
    /// <para>
    /// <typeparamref name="TClient"/> can also be an interface marked <see cref="MicroHosting.MicroContractAttribute"/>: the
    /// MicroHosting source generator implements it at build time over a <see cref="MicroServiceClient"/> (no reflection per
    /// call), and each method calls the endpoint the contract names.
    /// </para>
    /// </summary>
    /// <typeparam name="TClient">The typed client class, or a contract interface.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <param name="service">The service name, for example <c>greeter</c>.</param>
    /// <param name="configure">Defaults for this client's calls (timeout, retries, filter, content type, ...); calls can still override them.</param>
    /// <returns>The HttpClient builder, to add handlers or configure the client further.</returns>
    /// <exception cref="InvalidOperationException"><typeparamref name="TClient"/> is an interface with no generated client (not a contract, or built without the generator).</exception>
    public static IHttpClientBuilder AddMicroClient<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TClient>(
        this IServiceCollection services,
        string service,
        Action<MicroCallOptions>? configure = null)
        where TClient : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        services.AddMicroCore();
        MicroCallOptions? defaults = null;
        if (configure is not null)
        {
            defaults = new MicroCallOptions();
            configure(defaults);
        }

        // One profile for the typed client: its HttpClient pipeline (raw requests) and its MicroServiceClient (calls and
        // streams) take its defaults from the same object.
        var profile = new MicroClientProfile(service, defaults);
        var create = TypedClientFactory<TClient>(profile);
        return services.AddHttpClient<TClient, TClient>(create).AddMicroPipeline(profile);
    }

    private static Func<HttpClient, IServiceProvider, TClient> TypedClientFactory<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TClient>(MicroClientProfile profile)
        where TClient : class
    {
        MicroServiceClient ServiceClient(HttpClient http, IServiceProvider sp)
            => new(profile.Service!, http, sp.GetRequiredService<MicroCaller>(), sp.GetRequiredService<MicroStreamer>(), profile);

        if (typeof(TClient) == typeof(MicroServiceClient))
        {
            return (http, sp) => (TClient)(object)ServiceClient(http, sp);
        }

        if (typeof(TClient).IsInterface)
        {
            var contract = MicroContractClients.Get<TClient>();
            return (http, sp) => contract(ServiceClient(http, sp));
        }

        var wantsServiceClient = Array.Exists(
            typeof(TClient).GetConstructors(BindingFlags.Public | BindingFlags.Instance),
            c => Array.Exists(c.GetParameters(), p => p.ParameterType == typeof(MicroServiceClient)));
        if (wantsServiceClient)
        {
            var factory = ActivatorUtilities.CreateFactory(typeof(TClient), [typeof(MicroServiceClient)]);
            return (http, sp) => (TClient)factory(sp, [ServiceClient(http, sp)]);
        }

        var httpFactory = ActivatorUtilities.CreateFactory(typeof(TClient), [typeof(HttpClient)]);
        return (http, sp) => (TClient)httpFactory(sp, [http]);
    }
}
