using System.Collections.Concurrent;
using System.Globalization;
using MicroHosting.Client;
using MicroHosting.Registry;
using MicroHosting.Testing.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MicroHosting.Testing;

/// <summary>
/// An in-memory network for one test: an <see cref="InMemoryRegistry"/> every app on it registers in and discovers from,
/// a <see cref="RecordingBroker"/> they publish to and subscribe on, and the nodes (apps under test and fakes) reached
/// through TestServer instead of sockets. No port is opened and nothing is multicast. Attach a
/// <c>WebApplicationFactory</c> with <see cref="Microsoft.AspNetCore.Mvc.Testing.MicroTestingWebApplicationFactoryExtensions.WithMicroTestNetwork{TEntryPoint}"/>;
/// add fake downstream services with <see cref="AddFakeServiceAsync"/>. Dispose it after the factories.
/// </summary>
public sealed class MicroTestNetwork : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, MicroTestNode> _nodes = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentBag<IAsyncDisposable> _owned = [];
    private readonly Lazy<ServiceProvider> _clientServices;
    private int _nextPort = 10000;

    /// <summary>Creates an empty network.</summary>
    /// <param name="timeProvider">The clock of node faults (<see cref="MicroTestNode.RespondAfter"/>) and registry TTLs; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    public MicroTestNetwork(TimeProvider? timeProvider = null)
    {
        TimeProvider = timeProvider ?? TimeProvider.System;
        Registry = new InMemoryRegistry(TimeProvider);
        Broker = new RecordingBroker();
        _clientServices = new Lazy<ServiceProvider>(() => CreateClientServices(null), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Gets the registry every app on the network uses.</summary>
    public InMemoryRegistry Registry { get; }

    /// <summary>Gets the broker every app on the network uses: it delivers to their subscribers and records every message.</summary>
    public RecordingBroker Broker { get; }

    /// <summary>Gets the clock of node faults and registry TTLs.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>Gets the nodes on the network, apps under test and fakes, started or not yet stopped.</summary>
    public IReadOnlyCollection<MicroTestNode> Nodes => [.. _nodes.Values];

    /// <summary>
    /// Gets a client as the test's own process would have, on this network: it finds services in <see cref="Registry"/>
    /// and calls their nodes in memory, through the whole MicroHosting client pipeline (selection, retries, ejection).
    /// </summary>
    public IMicroClient Client => _clientServices.Value.GetRequiredService<IMicroClient>();

    /// <summary>
    /// Returns a typed client of <paramref name="service"/> on this network: a class taking a <see cref="MicroServiceClient"/>
    /// or an <see cref="HttpClient"/>, or a contract interface (<c>[MicroContract]</c>, or generated from a <c>.proto</c>),
    /// as <c>AddMicroClient&lt;TClient&gt;(service)</c> registers it in an app. Its container is disposed with the network.
    /// </summary>
    /// <typeparam name="TClient">The typed client or contract interface.</typeparam>
    /// <param name="service">The service to call, for example <c>greeter</c>.</param>
    /// <param name="configure">Defaults for the client's calls; <see langword="null"/> for none.</param>
    /// <returns>The client.</returns>
    public TClient CreateClient<[System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicConstructors)] TClient>(string service, Action<MicroCallOptions>? configure = null)
        where TClient : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        var provider = CreateClientServices(s => s.AddMicroClient<TClient>(service, configure));
        _owned.Add(provider);
        return provider.GetRequiredService<TClient>();
    }

    /// <summary>
    /// Builds a service provider with the MicroHosting client on this network, for typed clients and generated contract
    /// clients: <c>network.CreateClientServices(s => s.AddMicroClient&lt;IGreeter&gt;("greeter"))</c>. Dispose it.
    /// </summary>
    /// <param name="configure">Registers the clients to resolve; <see langword="null"/> for <see cref="IMicroClient"/> only.</param>
    /// <returns>The provider.</returns>
    public ServiceProvider CreateClientServices(Action<IServiceCollection>? configure)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddMicroCore();
        configure?.Invoke(services);
        MicroTestServices.AddClient(services, this);
        return services.BuildServiceProvider();
    }

    /// <summary>
    /// Starts a fake service named <paramref name="service"/>: a MicroHosting app on TestServer, registered on this network,
    /// whose handlers <paramref name="map"/> maps (<c>app.MapMicroHandler("Billing.Charge", (ChargeRequest r) =&gt; ...)</c>
    /// or <c>app.MapMicroHandlers&lt;T&gt;()</c>). Call it again with the same name for a second node. It stops with the network.
    /// </summary>
    /// <param name="service">The service name the apps under test call.</param>
    /// <param name="map">Maps the fake's handlers (and subscribers).</param>
    /// <param name="configureServices">Adds services the handlers need; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The fake's node: its address, request count and faults.</returns>
    public async Task<MicroTestNode> AddFakeServiceAsync(string service, Action<WebApplication> map, Action<IServiceCollection>? configureServices = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        ArgumentNullException.ThrowIfNull(map);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear(); // a fake is configured here only, not by the test process's MICRO_* variables
        builder.Logging.ClearProviders();
        builder.WebHost.UseTestServer();
        builder.Services.AddMicro(o => o.Name = service);
        configureServices?.Invoke(builder.Services);
        MicroTestServices.AddApp(builder.Services, this, service);
        var app = builder.Build();
        map(app);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _owned.Add(app);
        return NodeOf(app.Services);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync().ConfigureAwait(false);
        }

        if (_clientServices.IsValueCreated)
        {
            await _clientServices.Value.DisposeAsync().ConfigureAwait(false);
        }

        Registry.Dispose();
    }

    /// <summary>The node the app with these services registered as.</summary>
    internal static MicroTestNode NodeOf(IServiceProvider services)
        => services.GetRequiredService<MicroTestNodeRoute>().Node
            ?? throw new InvalidOperationException("The app has not started yet, so it has no node on the network.");

    /// <summary>A <c>host:port</c> no other node on the network has; the host names the service, for readable failures.</summary>
    internal string AllocateAddress(string? service)
    {
        var host = string.Concat((service ?? "app").Select(c => char.IsAsciiLetterOrDigit(c) || c == '-' ? char.ToLowerInvariant(c) : '-'));
        return $"{host}.microtest:{Interlocked.Increment(ref _nextPort).ToString(CultureInfo.InvariantCulture)}";
    }

    internal void Add(MicroTestNode node) => _nodes[node.Address] = node;

    internal void Remove(MicroTestNode node) => _nodes.TryRemove(new KeyValuePair<string, MicroTestNode>(node.Address, node));

    internal MicroTestNode? Find(string authority) => _nodes.GetValueOrDefault(authority);
}
