using MicroHosting.Client;
using MicroHosting.Client.Internal;
using MicroHosting.Registry;
using MicroHosting.Tests.Client.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace MicroHosting.Tests.Client.Internal;

/// <summary>
/// Which node an attempt goes to: healthy untried nodes first, then healthy tried ones, then (every node ejected) any
/// node; the call's filter always applies, streams only go to MicroHosting nodes, a node back from its cool-down takes
/// one probe at a time. Over an in-memory registry with a fake clock; no sockets.
/// </summary>
public sealed class MicroNodePickerTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly ClientPipeline _pipeline;

    public MicroNodePickerTests() => _pipeline = new ClientPipeline(configure: services => services.AddSingleton<TimeProvider>(_time));

    public ValueTask DisposeAsync() => _pipeline.DisposeAsync();

    [Fact]
    public async Task PickAsync_NoNodeRegistered_ThrowsNodeNotFoundNamingTheRegistry()
    {
        await _pipeline.AddNodeAsync(51001, service: "greeter");

        var error = await Assert.ThrowsAsync<MicroNodeNotFoundException>(() => PickAsync(_pipeline.State(service: "billing")).AsTask());

        Assert.Equal("billing", error.Service);
        Assert.Equal($"service billing: not found (no node is registered in the {_pipeline.Runtime.Cache.RegistryName} registry)", error.Detail);
    }

    [Fact]
    public async Task PickAsync_NodeTriedAlready_OffersTheSelectorOnlyTheUntriedNodes()
    {
        var a = await _pipeline.AddNodeAsync(51011);
        var b = await _pipeline.AddNodeAsync(51012);
        var c = await _pipeline.AddNodeAsync(51013);
        var selector = new RecordingSelector();
        var state = _pipeline.State(new MicroCallOptions { Selector = selector });
        state.Tried(_pipeline.Health(b));

        var picked = await PickAsync(state);

        Assert.Equal([a.Id, c.Id], Assert.Single(selector.Offered));
        Assert.Equal(a.Id, picked.Node.Node.Id);
        Assert.False(picked.Probe);
        Assert.Equal(3, picked.Peers!.Length);
    }

    [Fact]
    public async Task PickAsync_EveryNodeTried_PicksAmongTheTriedNodesAgain()
    {
        var a = await _pipeline.AddNodeAsync(51021);
        var b = await _pipeline.AddNodeAsync(51022);
        var selector = new RecordingSelector(index: 1);
        var state = _pipeline.State(new MicroCallOptions { Selector = selector });
        state.Tried(_pipeline.Health(a));
        state.Tried(_pipeline.Health(b));

        var picked = await PickAsync(state);

        Assert.Equal([a.Id, b.Id], Assert.Single(selector.Offered));
        Assert.Equal(b.Id, picked.Node.Node.Id);
    }

    [Fact]
    public async Task PickAsync_OneNodeLeft_TakesItWithoutAskingTheSelector()
    {
        await _pipeline.AddNodeAsync(51031);
        var b = await _pipeline.AddNodeAsync(51032);
        var selector = new RecordingSelector();
        var state = _pipeline.State(new MicroCallOptions { Selector = selector, Filter = (_, node) => node.Id == b.Id });

        var picked = await PickAsync(state);

        Assert.Equal(b.Id, picked.Node.Node.Id);
        Assert.Empty(selector.Offered);
    }

    [Fact]
    public async Task PickAsync_EjectedUntriedNode_SkippedForAHealthyTriedOne()
    {
        var a = await _pipeline.AddNodeAsync(51041);
        var b = await _pipeline.AddNodeAsync(51042);
        Eject(a);
        var state = _pipeline.State();
        state.Tried(_pipeline.Health(b));

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(b.Id, (await PickAsync(state)).Node.Node.Id);
        }
    }

    [Fact]
    public async Task PickAsync_EveryNodeEjected_PicksOneOfThemAnyway_WithoutAProbe()
    {
        var a = await _pipeline.AddNodeAsync(51051);
        var b = await _pipeline.AddNodeAsync(51052);
        Eject(a);
        Eject(b);
        var selector = new RecordingSelector();

        var picked = await PickAsync(_pipeline.State(new MicroCallOptions { Selector = selector }));

        Assert.Equal([a.Id, b.Id], Assert.Single(selector.Offered));
        Assert.Equal(a.Id, picked.Node.Node.Id);
        Assert.False(picked.Probe);
        Assert.False(_pipeline.Health(a).Probing);
    }

    [Fact]
    public async Task PickAsync_FilteredOutNode_NeverPicked_EvenWhenEveryOtherNodeIsEjected()
    {
        var a = await _pipeline.AddNodeAsync(51061);
        var b = await _pipeline.AddNodeAsync(51062);
        Eject(b);
        var state = _pipeline.State(new MicroCallOptions { Filter = (_, node) => node.Id != a.Id });

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(b.Id, (await PickAsync(state)).Node.Node.Id);
        }
    }

    [Fact]
    public async Task PickAsync_FilterMatchesNoNode_ThrowsNodeNotFoundWithTheNodeCount()
    {
        await _pipeline.AddNodeAsync(51071);
        await _pipeline.AddNodeAsync(51072);
        var state = _pipeline.State(new MicroCallOptions { Filter = (_, _) => false });

        var error = await Assert.ThrowsAsync<MicroNodeNotFoundException>(() => PickAsync(state).AsTask());

        Assert.Equal("service greeter: not found (2 node(s) registered, none matches the call's filter)", error.Detail);
    }

    [Fact]
    public async Task PickAsync_Stream_SkipsGoMicroNodes()
    {
        await _pipeline.AddNodeAsync(51081, native: false);
        var native = await _pipeline.AddNodeAsync(51082);

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(native.Id, (await PickAsync(StreamState())).Node.Node.Id);
        }
    }

    [Fact]
    public async Task PickAsync_StreamAndOnlyGoMicroNodes_ThrowsNodeNotFoundSayingStreamsNeedMicroHostingNodes()
    {
        await _pipeline.AddNodeAsync(51091, native: false);

        var error = await Assert.ThrowsAsync<MicroNodeNotFoundException>(() => PickAsync(StreamState()).AsTask());

        Assert.Equal(
            "service greeter: not found (1 node(s) registered, none is a MicroHosting node matching the call's filter; streams need MicroHosting nodes)",
            error.Detail);
    }

    [Fact]
    public async Task PickAsync_NodeBackFromItsCoolDown_PickedAsTheProbe_ThenSkippedWhileTheProbeRuns()
    {
        var a = await _pipeline.AddNodeAsync(51101);
        var b = await _pipeline.AddNodeAsync(51102);
        Eject(a);
        _time.Advance(_pipeline.Runtime.Options.EjectionDuration + TimeSpan.FromSeconds(1));
        var probing = _pipeline.State(new MicroCallOptions { Filter = (_, node) => node.Id == a.Id });

        var probe = await PickAsync(probing);

        Assert.Equal(a.Id, probe.Node.Node.Id);
        Assert.True(probe.Probe);
        Assert.True(_pipeline.Health(a).Probing);
        var selector = new RecordingSelector();
        for (var i = 0; i < 20; i++)
        {
            var other = await PickAsync(_pipeline.State(new MicroCallOptions { Selector = selector }));
            Assert.Equal(b.Id, other.Node.Node.Id);
            Assert.False(other.Probe);
        }

        Assert.Empty(selector.Offered); // b was the only candidate each time
    }

    [Fact]
    public async Task PickAsync_ProbeTakenByAnotherCallMeanwhile_PicksANodeInGoodStanding()
    {
        var a = await _pipeline.AddNodeAsync(51111);
        var b = await _pipeline.AddNodeAsync(51112);
        Eject(a);
        _time.Advance(_pipeline.Runtime.Options.EjectionDuration + TimeSpan.FromSeconds(1));

        // The selector picks the half-open node, and another call starts its probe before this one can.
        var selector = new RecordingSelector(index: 0, onSelect: () => _pipeline.Health(a).TryStartProbe());
        var picked = await PickAsync(_pipeline.State(new MicroCallOptions { Selector = selector }));

        Assert.Equal(b.Id, picked.Node.Node.Id);
        Assert.False(picked.Probe);
        Assert.Equal([a.Id, b.Id], Assert.Single(selector.Offered));
    }

    [Fact]
    public async Task PickAsync_SelectorReturnsAnIndexOutOfRange_ThrowsNamingTheSelector()
    {
        await _pipeline.AddNodeAsync(51121);
        await _pipeline.AddNodeAsync(51122);
        var state = _pipeline.State(new MicroCallOptions { Selector = new RecordingSelector(index: 2) });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => PickAsync(state).AsTask());

        Assert.Equal("The selector RecordingSelector returned index 2 for 2 candidate(s).", error.Message);
    }

    [Fact]
    public async Task PickAsync_DefaultPowerOfTwoChoices_AvoidsTheNodeWithMoreAttemptsOutstanding()
    {
        var busy = await _pipeline.AddNodeAsync(51131);
        var idle = await _pipeline.AddNodeAsync(51132);
        for (var i = 0; i < 3; i++)
        {
            _pipeline.Health(busy).Started();
        }

        Assert.IsType<PeakEwmaNodeSelector>(_pipeline.Runtime.Selector);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(idle.Id, (await PickAsync(_pipeline.State())).Node.Node.Id);
        }
    }

    [Fact]
    public async Task PickAsync_RoundRobin_TurnsOverTheCandidatesLeft()
    {
        var a = await _pipeline.AddNodeAsync(51141);
        var b = await _pipeline.AddNodeAsync(51142);
        var c = await _pipeline.AddNodeAsync(51143);
        Eject(b);
        var options = new MicroCallOptions { Selector = new RoundRobinNodeSelector() };

        var picked = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            picked.Add((await PickAsync(_pipeline.State(options))).Node.Node.Id);
        }

        Assert.Equal([a.Id, c.Id, a.Id, c.Id], picked);
    }

    private ValueTask<MicroNodePicker.Picked> PickAsync(MicroCallState state) => MicroNodePicker.PickAsync(_pipeline.Runtime, state, CancellationToken.None);

    private MicroCallState StreamState()
        => new(MicroCallPlan.Create(_pipeline.Runtime, "greeter", "Greeter.Chat", call: null, profile: null, stream: true, protobufTypes: false));

    private void Eject(MicroNode node)
    {
        _pipeline.Runtime.Health.TransportFailed(_pipeline.Health(node), new HttpRequestException("Connection refused"));
        Assert.True(_pipeline.Runtime.Health.IsEjected(_pipeline.Health(node)));
    }

    /// <summary>Records the node ids it was offered and returns a fixed index, after an optional side effect.</summary>
    private sealed class RecordingSelector(int index = 0, Action? onSelect = null) : IMicroNodeSelector
    {
        public List<string[]> Offered { get; } = [];

        public int Select(string service, ReadOnlySpan<MicroNode> candidates)
        {
            var ids = new string[candidates.Length];
            for (var i = 0; i < candidates.Length; i++)
            {
                ids[i] = candidates[i].Id;
            }

            Offered.Add(ids);
            onSelect?.Invoke();
            return index;
        }
    }
}
