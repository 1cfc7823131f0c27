using MicroHosting.Hosting;
using MicroHosting.TestUtilities;
using MicroHosting.Tests.Registry.Mdns;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace MicroHosting.Tests.Broker.Internal;

/// <summary>The reported case: an app on mDNS (pinned to lo) stops right after publishing through the http broker.</summary>
[Collection(MdnsCollection.Name)]
public sealed class HttpBrokerMdnsShutdownTests
{
    public sealed record MemberJoined(string Name);

    [Fact]
    public async Task Stop_RightAfterPublishOnMdns_DeliveredOnceNoErrorLogged()
    {
        var domain = "t" + Guid.NewGuid().ToString("N")[..10]; // other runs on lo never see these services
        void Mdns(IMicroBuilder micro) => micro.AddMdnsRegistry(o =>
        {
            o.Domain = domain;
            o.Interfaces.Add("lo");
            o.IPv6 = false;
        });

        var sink = new MessageSink<string>();
        await using var mailer = await BrokerTestHosts.StartAsync("mailer", null, s => s.AddMicroSubscriber<MemberJoined>("welcome.joined", (m, _) =>
        {
            sink.Add(m.Name);
            return Task.CompletedTask;
        }), micro: Mdns);
        await using var welcome = await BrokerTestHosts.StartAsync("welcome", null, s => s.AddFakeLogging(), micro: Mdns);

        await welcome.Publisher().PublishAsync("welcome.joined", new MemberJoined("Ann"));
        await welcome.StopAsync();

        Assert.Equal(["Ann"], sink.Items);
        var logs = welcome.Services.GetFakeLogCollector().GetSnapshot();
        Assert.DoesNotContain(logs, r => r.Level >= LogLevel.Error || r.Exception is ObjectDisposedException);
    }
}
