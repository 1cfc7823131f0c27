using System.Net;
using System.Net.Sockets;
using MicroHosting.Registry.Mdns;
using Arsoft = ARSoft.Tools.Net.Dns;

namespace MicroHosting.Tests.Registry.Mdns;

/// <summary>A lookup whose first query goes unanswered (a busy machine, a lost packet) asks again before it reports "not found".</summary>
[Collection(MdnsCollection.Name)]
public sealed class MdnsLookupRetryTests
{
    private static readonly string[] GoMicroTxt = File.ReadAllLines(Path.Combine(MdnsTestSupport.VectorDirectory, "gomicro-v2-server.txt")).Where(l => l.Length > 0).ToArray();

    [Fact]
    public async Task GetServiceAsync_FirstQueryUnanswered_AsksAgainAndFindsTheNode()
    {
        var domain = MdnsTestSupport.NewDomain();
        await using var responder = new SilentFirstResponder(domain, unansweredAsks: 1);
        await using var client = new MdnsRegistry(MdnsTestSupport.Options(domain));

        var services = await client.GetServiceAsync("greeter");

        var node = Assert.Single(Assert.Single(services).Nodes);
        Assert.Equal(("greeter-7a1c", 9090), (node.Id, node.Port));
        Assert.True(responder.Queries > responder.Ignored, $"answered none of {responder.Queries} queries");
    }

    [Fact]
    public async Task GetServiceAsync_RetriesOff_FirstQueryUnanswered_ReportsNothing()
    {
        // The control: with one window, as Go Micro asks, the same silence is "not found".
        var domain = MdnsTestSupport.NewDomain();
        await using var responder = new SilentFirstResponder(domain, unansweredAsks: 1);
        var options = MdnsTestSupport.Options(domain);
        options.QueryRetries = 0;
        await using var client = new MdnsRegistry(options);

        var services = await client.GetServiceAsync("greeter");

        Assert.Empty(services);
        Assert.True(responder.Ignored > 0);
    }

    [Fact]
    public async Task GetServiceAsync_NobodyAnswers_AsksOncePlusRetries()
    {
        var domain = MdnsTestSupport.NewDomain();
        await using var responder = new SilentFirstResponder(domain, unansweredAsks: int.MaxValue);
        var options = MdnsTestSupport.Options(domain);
        options.QueryRetries = 2;
        await using var client = new MdnsRegistry(options);

        Assert.Empty(await client.GetServiceAsync("greeter"));

        // Every ask sends the question twice (shared port and one-shot socket): 3 asks, 6 packets on IPv4.
        await MdnsTestSupport.EventuallyAsync(() => Task.FromResult(responder.Queries), q => q >= 6);
        Assert.Equal(6, responder.Queries);
    }

    [Fact]
    public async Task GetServiceAsync_AnsweredInALongReask_ReturnsOneQueryTimeoutAfterTheAnswer()
    {
        // Windows of 100, 200, 400 and 800 ms (fake time); the responder answers only the fourth ask. The lookup must end
        // about 100 ms into the 800 ms window, not wait it out. The clock only moves once a timer is pending, so a slow
        // machine cannot make it run ahead of the engine.
        var domain = MdnsTestSupport.NewDomain();
        await using var responder = new SilentFirstResponder(domain, unansweredAsks: 3);
        var time = new CountingTimeProvider();
        var options = MdnsTestSupport.Options(domain);
        options.QueryRetries = 3;
        await using var client = new MdnsRegistry(options, time);

        var lookup = client.GetServiceAsync("greeter");
        var step = TimeSpan.FromMilliseconds(20);
        var intoFourthWindow = TimeSpan.Zero;
        for (var steps = 0; !lookup.IsCompleted && steps < 200; steps++)
        {
            var timers = time.Created;
            time.Advance(step);
            if (responder.Queries > 6)
            {
                intoFourthWindow += step;
            }

            await MdnsTestSupport.EventuallyAsync(() => Task.FromResult(time.Created > timers || lookup.IsCompleted), done => done, seconds: 2);
        }

        Assert.Single(Assert.Single(await lookup).Nodes);
        Assert.InRange(intoFourthWindow, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(700));
    }

    /// <summary>Counts the timers the engine creates, so a test moves the clock only once the engine waits on it.</summary>
    private sealed class CountingTimeProvider : Microsoft.Extensions.Time.Testing.FakeTimeProvider
    {
        private int _created;

        public int Created => Volatile.Read(ref _created);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            Interlocked.Increment(ref _created);
            return timer;
        }
    }

    /// <summary>
    /// A Go Micro-like responder for <c>greeter.&lt;domain&gt;</c> on lo that leaves the first
    /// <c>unansweredAsks</c> lookups (two packets each) unanswered, then answers every query to the group.
    /// </summary>
    private sealed class SilentFirstResponder : IAsyncDisposable
    {
        private readonly Socket _socket = GoMicroPacket.LoopbackSocket(mdnsPort: true);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private readonly string _question;
        private readonly byte[] _answer;
        private readonly long _ignore;
        private int _queries;

        public SilentFirstResponder(string domain, int unansweredAsks)
        {
            _question = $"greeter.{domain}.";
            var instance = $"greeter-7a1c.greeter.{domain}.";
            _answer = new GoMicroPacket(0, 0x8400, 1, 4)
                .Question(_question, 12)
                .Ptr(_question, instance, 120)
                .Srv(instance, 9090, "silenthost.", 120)
                .A("silenthost.", IPAddress.Loopback, 120)
                .Txt(instance, GoMicroTxt, 120)
                .Bytes;
            _ignore = unansweredAsks * 2L;
            _socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(IPAddress.Parse("224.0.0.251"), IPAddress.Loopback));
            _loop = RunAsync();
        }

        public int Queries => Volatile.Read(ref _queries);

        public int Ignored => (int)Math.Min(_ignore, Queries);

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _socket.Dispose();
            await _loop.ContinueWith(_ => { }, TaskScheduler.Default);
            _stop.Dispose();
        }

        private async Task RunAsync()
        {
            var buffer = new byte[9000];
            while (!_stop.IsCancellationRequested)
            {
                var received = await _socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
                Arsoft.DnsMessage message;
                try
                {
                    message = Arsoft.DnsMessage.Parse(new ArraySegment<byte>(buffer, 0, received.ReceivedBytes));
                }
                catch (Exception)
                {
                    continue;
                }

                if (message.IsQuery && message.Questions.Any(q => q.Name.ToString() == _question)
                    && Interlocked.Increment(ref _queries) > _ignore)
                {
                    await GoMicroPacket.SendToGroupAsync(_socket, _answer);
                }
            }
        }
    }
}
