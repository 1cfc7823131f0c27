using Greeter.Contracts;
using MicroHosting;
using MicroHosting.Broker;

namespace Welcome.Service;

/// <summary>The Welcome handler: Welcome.Join greets through "greeter", then publishes <see cref="JoinedTopic"/>.</summary>
public sealed class Welcome(IGreeter greeter, IPublisher<MemberJoined> joined)
{
    /// <summary>The topic of <see cref="MemberJoined"/>.</summary>
    public const string JoinedTopic = "welcome.joined";

    /// <summary>Greets <paramref name="request"/>'s member through the greeter and tells the world; an empty name is a bad request.</summary>
    public async Task<JoinReply> Join(JoinRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            throw MicroException.BadRequest("welcome", "name is required");
        }

        var hello = await greeter.HelloAsync(new HelloRequest { Name = request.Name }, cancellationToken);
        await joined.PublishAsync(new MemberJoined(request.Name, hello.Message), cancellationToken: cancellationToken);
        return new JoinReply(hello.Message);
    }
}
