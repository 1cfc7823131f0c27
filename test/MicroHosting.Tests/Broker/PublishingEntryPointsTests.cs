using MicroHosting.Broker;
using MicroHosting.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Tests.Broker;

/// <summary><see cref="IMicroPublisher"/> is the one publishing path: the client's and the typed publisher's calls reach it.</summary>
public sealed class PublishingEntryPointsTests
{
    [Fact]
    public async Task PublishAsync_ClientAndTypedPublisher_DelegateToTheRegisteredMicroPublisher()
    {
        var recorder = new RecordingPublisher();
        await using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddLogging()
            .AddSingleton<IMicroPublisher>(recorder)
            .AddMicroCore(o => o.Name = "publishing").Services
            .AddMicroPublisher<HelloRequest>("typed.topic", contentType: "application/protobuf")
            .BuildServiceProvider();
        var metadata = new MicroPublishOptions();
        metadata.Metadata["tenant"] = "t1";

        await services.GetRequiredService<IMicroClient>().PublishAsync("client.topic", new HelloRequest("a"));
        await services.GetRequiredService<IPublisher<HelloRequest>>().PublishAsync(new HelloRequest("b"), metadata);

        Assert.Equal(2, recorder.Published.Count);
        Assert.Equal(("client.topic", "a", null), (recorder.Published[0].Topic, recorder.Published[0].Message.Name, recorder.Published[0].Options?.ContentType));
        var typed = recorder.Published[1];
        Assert.Equal(("typed.topic", "b", "application/protobuf"), (typed.Topic, typed.Message.Name, typed.Options?.ContentType));
        Assert.Equal("t1", typed.Options!.Metadata["tenant"]);
    }

    private sealed class RecordingPublisher : IMicroPublisher
    {
        public List<(string Topic, HelloRequest Message, MicroPublishOptions? Options)> Published { get; } = [];

        public Task PublishAsync<T>(string topic, T message, MicroPublishOptions? options = null, CancellationToken cancellationToken = default)
        {
            Published.Add((topic, (HelloRequest)(object)message!, options));
            return Task.CompletedTask;
        }
    }
}
