using MicroHosting.Client;
using MicroHosting.Client.Internal;
using MicroHosting.Registry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MicroHosting.Tests.Client.Internal;

public sealed class MicroClientOptionsSetupTests
{
    [Fact]
    public async Task Options_Defaults_AreGoMicrosButTheSelector()
    {
        await using var services = TestClient.Create(new InMemoryRegistry());

        var options = services.GetRequiredService<IOptions<MicroClientOptions>>().Value;

        Assert.Equal((1, TimeSpan.FromSeconds(5), "p2c"), (options.Retries, options.RequestTimeout, options.Selector));
    }

    [Fact]
    public async Task Options_GoMicroVariables_WinOverTheSection()
    {
        await using var services = TestClient.Create(new InMemoryRegistry(), new()
        {
            ["Micro:Client:Retries"] = "4",
            ["Micro:Client:EjectionThreshold"] = "7",
            ["MICRO_CLIENT_RETRIES"] = "3",
            ["MICRO_CLIENT_REQUEST_TIMEOUT"] = "1m30s",
            ["MICRO_SELECTOR"] = "roundrobin",
        });

        var options = services.GetRequiredService<IOptions<MicroClientOptions>>().Value;

        Assert.Equal((3, TimeSpan.FromSeconds(90), "roundrobin", 7), (options.Retries, options.RequestTimeout, options.Selector, options.EjectionThreshold));
    }

    [Theory]
    [InlineData("MICRO_CLIENT_RETRIES", "many", "MICRO_CLIENT_RETRIES must be a whole number of retries (for example 1), but is 'many'.")]
    [InlineData("MICRO_CLIENT_REQUEST_TIMEOUT", "5 seconds", "MICRO_CLIENT_REQUEST_TIMEOUT must be a duration such as 5s, 500ms or 1m (or whole seconds), but is '5 seconds'.")]
    [InlineData("MICRO_CLIENT_RETRIES", "11", "Micro:Client:Retries (MICRO_CLIENT_RETRIES) must be between 0 and 10, but is 11.")]
    [InlineData("MICRO_CLIENT_REQUEST_TIMEOUT", "0s", "Micro:Client:RequestTimeout (MICRO_CLIENT_REQUEST_TIMEOUT) must be positive, for example 5s, but is 00:00:00.")]
    public async Task Options_InvalidValue_ThrowsSayingWhatToFix(string key, string value, string message)
    {
        await using var services = TestClient.Create(new InMemoryRegistry(), new() { [key] = value });

        var error = Record.Exception(() => services.GetRequiredService<IOptions<MicroClientOptions>>().Value);

        Assert.Contains(message, error?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_UnknownSelector_ThrowsSayingWhichExist()
    {
        await using var services = TestClient.Create(new InMemoryRegistry(), new() { ["MICRO_SELECTOR"] = "fastest" });

        var error = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<IMicroClient>());

        Assert.Equal(
            "Selector 'fastest' (Micro:Client:Selector / MICRO_SELECTOR) is not available. Built in: p2c, random, roundrobin; add your own with services.AddKeyedSingleton<IMicroNodeSelector>(\"fastest\", ...).",
            error.Message);
    }

    [Theory]
    [InlineData("5s", 5_000)]
    [InlineData("500ms", 500)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData("7", 7_000)]
    public void ParseTimeout_GoDurationsAndSeconds_Parse(string text, int milliseconds)
        => Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), MicroClientOptionsSetup.ParseTimeout(text));

    [Theory]
    [InlineData("5x")]
    [InlineData("s")]
    [InlineData("-1s")]
    public void GoDuration_Invalid_IsRejected(string text) => Assert.False(GoDuration.TryParse(text, out _));
}
