namespace MicroHosting.Benchmarks.Targets;

/// <summary>The "plain pooled HttpClient" of the baselines: one client, one connection pool, no limit on connections.</summary>
internal static class PooledHttpClient
{
    public static HttpClient Create(Uri baseAddress) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        MaxConnectionsPerServer = int.MaxValue,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(30),
    };
}
