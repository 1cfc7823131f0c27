using MicroHosting.Benchmarks.Load;
using Microsoft.AspNetCore.Builder;

namespace MicroHosting.Benchmarks.Servers;

/// <summary>Servers in the load generator's own process: for the smoke test and <c>--in-process</c>; allocations are not separable.</summary>
internal sealed class InProcessServers : IBenchServers
{
    private readonly WebApplication[] _apps;
    private readonly BenchPki _pki;

    private InProcessServers(WebApplication[] apps, ServerAddresses addresses, BenchPki pki)
    {
        _apps = apps;
        Addresses = addresses;
        _pki = pki;
    }

    public ServerAddresses Addresses { get; }

    public string Placement => "servers and load generator in one process, not pinned";

    public static async Task<InProcessServers> StartAsync(CancellationToken cancellationToken)
    {
        var raw = await BenchApps.StartRawAsync(cancellationToken).ConfigureAwait(false);
        var micro = await BenchApps.StartMicroAsync(cancellationToken).ConfigureAwait(false);
        var grpc = await BenchApps.StartGrpcAsync(cancellationToken).ConfigureAwait(false);
        var pki = new BenchPki();
        var microTls = await BenchApps.StartMicroAsync(cancellationToken, pki).ConfigureAwait(false);
        var grpcTls = await BenchApps.StartGrpcAsync(cancellationToken, pki).ConfigureAwait(false);
        var addresses = new ServerAddresses(BaseAddress(raw), BaseAddress(micro), BaseAddress(grpc), Control: null)
        {
            Service = await BenchApps.GetRegisteredAsync(micro, cancellationToken).ConfigureAwait(false),
            MicroTls = BaseAddress(microTls),
            GrpcTls = BaseAddress(grpcTls),
            CaFile = pki.CaFile,
            TlsService = await BenchApps.GetRegisteredAsync(microTls, cancellationToken).ConfigureAwait(false),
        };
        return new InProcessServers([raw, micro, grpc, microTls, grpcTls], addresses, pki);
    }

    public ValueTask<ProcessUsage?> GetUsageAsync(CancellationToken cancellationToken) => ValueTask.FromResult<ProcessUsage?>(null);

    public ValueTask<string?> TakeAllocationProfileAsync(CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync().ConfigureAwait(false);
        }

        _pki.Dispose();
    }

    internal static Uri BaseAddress(WebApplication app) => new(app.Urls.First());
}
