using MicroHosting.Registry;
using MicroHosting.Registry.Mdns;

namespace MicroHosting.Tests.Registry.Mdns;

/// <summary>Registries pinned to loopback, each test in its own mDNS domain so parallel tests never see each other.</summary>
internal static class MdnsTestSupport
{
    /// <summary>Gets <c>TestData/gomicro-txt</c> beside the test assembly: TXT payloads written by Go Micro's own encoding, with their JSON.</summary>
    public static string VectorDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "TestData", "gomicro-txt");

    public static string NewDomain() => "t" + Guid.NewGuid().ToString("N")[..10];

    public static MdnsRegistryOptions Options(string domain, bool probe = true)
    {
        var options = new MdnsRegistryOptions { Domain = domain, Probe = probe };
        options.Interfaces.Add("lo");
        return options;
    }

    public static MdnsRegistry Create(string domain, bool probe = true, TimeProvider? timeProvider = null)
        => new(Options(domain, probe), timeProvider);

    public static MicroService Service(string name, string nodeId, int port, string version = "1.0.0", string address = "127.0.0.1") => new()
    {
        Name = name,
        Version = version,
        Endpoints = [new MicroEndpoint { Name = "Greeter.Hello", Metadata = new Dictionary<string, string> { ["stream"] = "false" } }],
        Nodes = [new MicroNode { Id = nodeId, Address = address, Port = port, Metadata = new Dictionary<string, string> { ["protocol"] = "mucp" } }],
    };

    /// <summary>
    /// Polls until <paramref name="condition"/> holds; the loose timeout is in seconds, as the house rules allow (30 s by
    /// default: multicast on a loaded 2-core machine can take seconds, and a condition that holds returns at once).
    /// </summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, double seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var value = await probe();
            if (condition(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Reads the next watch event matching <paramref name="match"/>, or fails after <paramref name="seconds"/>.</summary>
    public static async Task<RegistryEvent> NextAsync(IAsyncEnumerator<RegistryEvent> events, Func<RegistryEvent, bool> match, double seconds = 30)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (true)
        {
            var next = events.MoveNextAsync().AsTask();
            var done = await Task.WhenAny(next, Task.Delay(Timeout.Infinite, timeout.Token).ContinueWith(_ => false, TaskScheduler.Default));
            if (done != next)
            {
                throw new TimeoutException($"No matching registry event within {seconds} s.");
            }

            Assert.True(await next);
            if (match(events.Current))
            {
                return events.Current;
            }
        }
    }
}
