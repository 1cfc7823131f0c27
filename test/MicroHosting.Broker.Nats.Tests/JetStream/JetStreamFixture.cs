using MicroHosting.Registry;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace MicroHosting.Broker.Nats.Tests.JetStream;

/// <summary>Helpers of the JetStream tests: hosts on the jetstream broker, and a raw NATS.Net view of the streams.</summary>
internal static class JetStreamFixture
{
    public static Task<WebApplication> StartAsync(NatsServer server, string name, Action<IServiceCollection>? services = null, Action<NatsBrokerOptions>? options = null)
        => MicroTestHost.StartAsync(
            name,
            _ => { },
            new InMemoryRegistry(),
            configure: m => m.AddNatsJetStream(o =>
            {
                o.Url = server.Url;
                o.JetStream.InstanceName = name;
                options?.Invoke(o);
            }),
            configureBuilder: b => services?.Invoke(b.Services));

    public static IMicroPublisher Publisher(WebApplication app) => app.Services.GetRequiredService<IMicroPublisher>();

    /// <summary>
    /// Shortens the publish budget of a running app (the broker reads it per publish). A test that asserts a short budget
    /// runs out sets it after its publishes that must succeed: an app's first publish runs the cold path (its first
    /// request on the connection, JIT) and takes up to a second on a loaded machine, more than a short budget allows.
    /// </summary>
    public static void SetPublishTimeouts(WebApplication app, TimeSpan total, TimeSpan? attempt = null)
    {
        var options = app.Services.GetRequiredService<IOptions<NatsBrokerOptions>>().Value.JetStream;
        options.PublishTimeout = total;
        options.PublishAttemptTimeout = attempt ?? options.PublishAttemptTimeout;
    }

    /// <summary>Reads every message stored on <paramref name="subject"/> of <paramref name="stream"/> with a raw ordered consumer.</summary>
    public static async Task<List<INatsJSMsg<byte[]>>> ReadStoredAsync(NatsServer server, string stream, string subject, int expected, TimeSpan? timeout = null)
    {
        await using var connection = new NatsConnection(new NatsOpts { Url = server.Url });
        var js = new NatsJSContext(connection);
        var consumer = await js.CreateOrderedConsumerAsync(stream, new NatsJSOrderedConsumerOpts { FilterSubjects = [subject] });
        var messages = new List<INatsJSMsg<byte[]>>();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            await foreach (var message in consumer.ConsumeAsync<byte[]>(cancellationToken: cts.Token))
            {
                messages.Add(message);
                if (messages.Count >= expected)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Fewer than expected: the caller's assertion says how many.
        }

        return messages;
    }

    public static async Task<StreamState> StreamStateAsync(NatsServer server, string stream, string? user = null, string? password = null)
    {
        await using var connection = new NatsConnection(new NatsOpts { Url = server.Url, AuthOpts = new NatsAuthOpts { Username = user, Password = password } });
        var js = new NatsJSContext(connection);
        return (await js.GetStreamAsync(stream)).Info.State;
    }
}
