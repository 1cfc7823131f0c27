using MicroHosting.TestUtilities;
using MicroHosting.TestUtilities.Etcd;

namespace MicroHosting.Registry.Etcd.Tests;

/// <summary>One etcd shared by the tests that neither stop nor restart it; each test uses its own service names.</summary>
public sealed class EtcdFixture : IAsyncLifetime
{
    private EtcdServer? _server;

    /// <summary>Gets the shared server.</summary>
    public EtcdServer Server => _server ?? throw new InvalidOperationException(ExternalServer.MissingMessage("etcd", "etcd-server"));

    public async Task InitializeAsync()
    {
        // Without etcd the tests skip (ExternalServerFact); on CI they run and fail on Server.
        if (ExternalServer.Find("etcd") is not null)
        {
            _server = await EtcdServer.StartAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
