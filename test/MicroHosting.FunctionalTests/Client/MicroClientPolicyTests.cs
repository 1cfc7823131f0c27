using MicroHosting.Client;
using MicroHosting.Registry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MicroHosting.Tests.Client;

/// <summary>Per-service and per-endpoint policies from Micro:Client:Services, and idempotency declared by the caller.</summary>
public sealed class MicroClientPolicyTests : IAsyncDisposable
{
    private readonly InMemoryRegistry _registry = new();

    public ValueTask DisposeAsync()
    {
        _registry.Dispose();
        return ValueTask.CompletedTask;
    }

    [Theory]
    [InlineData("Micro:Client:Services:greeter:Endpoints:Greeter.Hello:Idempotent", "true", 4)]
    [InlineData("Micro:Client:Services:greeter:Idempotent", "true", 4)]
    [InlineData("Micro:Client:Services:other:Idempotent", "true", 1)]
    [InlineData("Micro:Client:Services:greeter:Endpoints:Greeter.Bye:Idempotent", "true", 1)]
    public async Task SendAsync_UndeclaredEndpointMarkedIdempotentInConfiguration_500IsRetried(string key, string value, int expectedRuns)
    {
        var runs = 0;
        await using var node = await TestClient.StartGreeterAsync(_registry, handler: (r, c, _) =>
        {
            Interlocked.Increment(ref runs);
            throw MicroException.InternalServerError("greeter", "boom");
        });
        await using var services = TestClient.Create(_registry, new()
        {
            [key] = value,
            ["Micro:Client:Retries"] = "3",
            ["Micro:Client:RetryDelay"] = "00:00:00.001",
        });
        var client = services.GetRequiredService<IMicroClient>();

        var error = await Assert.ThrowsAsync<MicroException>(() => client.HelloAsync());

        Assert.Equal(500, error.Code);
        Assert.Equal(expectedRuns, runs);
    }

    [Fact]
    public async Task SendAsync_CallDeclaresIdempotent_WinsOverTheService()
    {
        var runs = 0;
        await using var node = await TestClient.StartGreeterAsync(_registry, idempotent: true, handler: (r, c, _) =>
        {
            Interlocked.Increment(ref runs);
            throw MicroException.InternalServerError("greeter", "boom");
        });
        await using var services = TestClient.Create(_registry, new() { ["Micro:Client:RetryDelay"] = "00:00:00.001" });
        var client = services.GetRequiredService<IMicroClient>();

        await Assert.ThrowsAsync<MicroException>(() => client.HelloAsync(options: new MicroCallOptions { Idempotent = false, Retries = 2 }));

        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task SendAsync_ServiceAndEndpointRetries_EndpointWins()
    {
        var runs = 0;
        await using var node = await TestClient.StartGreeterAsync(_registry, handler: (r, c, _) =>
        {
            Interlocked.Increment(ref runs);
            throw new MicroException("greeter", 503, "busy");
        });
        await using var services = TestClient.Create(_registry, new()
        {
            ["Micro:Client:Services:greeter:Retries"] = "4",
            ["Micro:Client:Services:greeter:Endpoints:Greeter.Hello:Retries"] = "2",
            ["Micro:Client:RetryDelay"] = "00:00:00.001",
        });
        var client = services.GetRequiredService<IMicroClient>();

        var response = await Assert.ThrowsAsync<MicroException>(() => client.HelloAsync());

        Assert.Equal(503, response.Code);
        Assert.Equal(3, runs);
    }

    [Fact]
    public async Task Options_ServicePolicyInvalid_FailsSayingWhatToFix()
    {
        await using var services = TestClient.Create(_registry, new()
        {
            ["Micro:Client:Services:greeter:Retries"] = "11",
            ["Micro:Client:Services:greeter:Endpoints:Greeter.Hello:Timeout"] = "-00:00:01",
            ["Micro:Client:Services:greeter:Endpoints:Greeter.Hello:HedgeAfterPercentile"] = "95",
        });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<MicroClientOptions>>().Value);

        Assert.Contains("Micro:Client:Services:greeter:Retries must be between 0 and 10, but is 11.", error.Failures);
        Assert.Contains("Micro:Client:Services:greeter:Endpoints:Greeter.Hello:Timeout must be positive, for example 5s, but is -00:00:01.", error.Failures);
        Assert.Contains("Micro:Client:Services:greeter:Endpoints:Greeter.Hello:HedgeAfterPercentile must be between 0 and 1 (exclusive), for example 0.95, or unset, but is 95.", error.Failures);
    }

    [Fact]
    public async Task Client_ServiceSelectorUnknown_ThrowsNamingTheSetting()
    {
        await using var services = TestClient.Create(_registry, new() { ["Micro:Client:Services:greeter:Selector"] = "fastest" });

        var error = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<IMicroClient>());

        Assert.StartsWith("Selector 'fastest' (Micro:Client:Services:greeter:Selector) is not available.", error.Message, StringComparison.Ordinal);
    }
}
