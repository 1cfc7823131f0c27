using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MicroHosting.Registry.Mdns;
using MicroHosting.Registry.Mdns.Internal;

namespace MicroHosting.Tests.Registry.Mdns;

/// <summary>Several processes on one host all receive the answers a Go Micro responder unicasts to the query's source.</summary>
[Collection(MdnsCollection.Name)]
public sealed class MdnsOneShotTests
{
    [Fact]
    public async Task GetServiceAsync_SeveralQueriersOnOneHost_AllReceiveUnicastAnswers()
    {
        var domain = MdnsTestSupport.NewDomain();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var answeredPorts = new ConcurrentBag<int>();
        var responder = Task.Run(() => AnswerLikeGoMicroAsync(domain, answeredPorts, 120, stop.Token));
        var queriers = Enumerable.Range(0, 4).Select(_ => new MdnsRegistry(MdnsTestSupport.Options(domain, probe: false))).ToList();
        try
        {
            foreach (var querier in queriers)
            {
                var services = await MdnsTestSupport.EventuallyAsync(() => querier.GetServiceAsync("greeter"), s => s.Count == 1);

                var node = Assert.Single(Assert.Single(services).Nodes);
                Assert.Equal(("go-1", "127.0.0.1", 9090), (node.Id, node.Address, node.Port));
            }

            // The answers went to ephemeral ports (one per lookup), not to the shared mDNS port.
            Assert.Contains(answeredPorts, p => p != 5353);
        }
        finally
        {
            foreach (var querier in queriers)
            {
                await querier.DisposeAsync();
            }

            await stop.CancelAsync();
            await responder;
        }
    }

    [Fact]
    public async Task Refresh_SeveralQueriersOnOneHost_AllKeepANodeThatOnlyAnswersByUnicast()
    {
        var domain = MdnsTestSupport.NewDomain();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var answeredPorts = new ConcurrentBag<int>();

        // A TTL of 10 s: the node is gone from a cache within 10 s unless its refresh queries (at 80-95 % of the TTL)
        // are answered; the Go-like responder never announces, it only answers, to the asking port.
        var responder = Task.Run(() => AnswerLikeGoMicroAsync(domain, answeredPorts, 10, stop.Token));
        var queriers = Enumerable.Range(0, 4).Select(_ => new MdnsRegistry(MdnsTestSupport.Options(domain, probe: false))).ToList();
        try
        {
            foreach (var querier in queriers)
            {
                Assert.Single(await MdnsTestSupport.EventuallyAsync(() => querier.GetServiceAsync("greeter"), s => s.Count == 1));
            }

            // For more than two TTLs every querier keeps the node: each gets the answers to its own refresh queries. (The
            // check is of staying, so it watches for a span of time; without the answers a node is gone after 10 s.)
            var watched = System.Diagnostics.Stopwatch.StartNew();
            while (watched.Elapsed < TimeSpan.FromSeconds(22))
            {
                Assert.All(queriers, q => Assert.Single(q.Engine.Cached("greeter")));
                await Task.Delay(500);
            }
        }
        finally
        {
            foreach (var querier in queriers)
            {
                await querier.DisposeAsync();
            }

            await stop.CancelAsync();
            await responder;
        }
    }

    /// <summary>
    /// What Go Micro's mDNS server does (util/mdns/server.go, handleQuery and sendResponse): every answer, even the
    /// "multicast" one, is written from the socket bound to 5353 straight back to the query's source address and port.
    /// </summary>
    private static async Task AnswerLikeGoMicroAsync(string domain, ConcurrentBag<int> answeredPorts, uint ttl, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        socket.Bind(new IPEndPoint(IPAddress.Any, 5353));
        socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(IPAddress.Parse("224.0.0.251"), IPAddress.Loopback));
        var service = $"greeter.{domain}.";
        var instance = $"go-1.{service}";
        var txt = MdnsTxt.Encode(new MdnsTxtPayload { Service = "greeter", Version = "latest", Metadata = new Dictionary<string, string> { ["protocol"] = "mucp" } });
        var buffer = new byte[9000];
        while (!cancellationToken.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            DnsMessage query;
            try
            {
                query = DnsReader.Read(buffer.AsSpan(0, received.ReceivedBytes));
            }
            catch (DnsFormatException)
            {
                continue;
            }

            if (query.IsResponse || !query.Questions.Any(q => DnsName.Equals(q.Name, service) || DnsName.Equals(q.Name, instance)))
            {
                continue;
            }

            var response = DnsWriter.Write(new DnsMessage
            {
                Id = 0,
                Flags = DnsMessage.ResponseFlag | DnsMessage.AuthoritativeFlag,
                Questions = query.Questions,
                Answers =
                [
                    DnsRecord.Ptr(service, instance, ttl),
                    DnsRecord.Srv(instance, 10, 1, 9090, $"gohost.{domain}.", ttl),
                    DnsRecord.Txt(instance, txt, ttl),
                    DnsRecord.Host($"gohost.{domain}.", IPAddress.Loopback, ttl),
                ],
            });
            var source = (IPEndPoint)received.RemoteEndPoint;
            answeredPorts.Add(source.Port);
            await socket.SendToAsync(response, source, cancellationToken);
        }
    }
}
