using MicroHosting.Client.Internal;
using MicroHosting.Registry;
using Microsoft.Extensions.Time.Testing;

namespace MicroHosting.Tests.Client.Internal;

public sealed class PeakEwmaNodeSelectorTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Select_OneSlowNode_NeverPickedAgainstAFastOne()
    {
        var fast = Candidate("fast", latencyMs: 1);
        var slow = Candidate("slow", latencyMs: 50);
        var selector = new PeakEwmaNodeSelector(_time);
        NodeCandidate[] candidates = [fast, slow];

        var picks = Enumerable.Range(0, 200).Select(_ => candidates[selector.Select(candidates)]).ToList();

        Assert.All(picks, p => Assert.Same(fast, p));
    }

    [Fact]
    public void Select_OutstandingAttemptsWithoutReplies_AvoidedLikeASlowNode()
    {
        var hung = Candidate("hung", latencyMs: null);
        var healthy = Candidate("healthy", latencyMs: 1);
        hung.State.Started();
        hung.State.Started();
        var selector = new PeakEwmaNodeSelector(_time);
        NodeCandidate[] candidates = [hung, healthy];

        var picks = Enumerable.Range(0, 200).Select(_ => candidates[selector.Select(candidates)]).ToList();

        Assert.All(picks, p => Assert.Same(healthy, p));
    }

    [Fact]
    public void Select_EqualNodes_ShareTheLoad()
    {
        NodeCandidate[] candidates = [Candidate("a", 1), Candidate("b", 1), Candidate("c", 1)];
        var selector = new PeakEwmaNodeSelector(_time);

        var counts = new int[3];
        for (var i = 0; i < 3000; i++)
        {
            counts[selector.Select(candidates)]++;
        }

        Assert.All(counts, c => Assert.InRange(c, 700, 1300));
    }

    [Fact]
    public void Select_SlowSampleAged_DecaysSoTheNodeIsTriedAgain()
    {
        var once = Candidate("once-slow", latencyMs: 1000);
        var fast = Candidate("fast", latencyMs: 1);
        var selector = new PeakEwmaNodeSelector(_time);
        NodeCandidate[] candidates = [once, fast];
        var before = Enumerable.Range(0, 100).Count(_ => selector.Select(candidates) == 0);

        _time.Advance(TimeSpan.FromMinutes(2));
        fast.State.AddLatency(TimeSpan.FromMilliseconds(1).Ticks, _time.GetUtcNow().UtcTicks);
        var after = Enumerable.Range(0, 100).Count(_ => selector.Select(candidates) == 0);

        Assert.Equal(0, before);
        Assert.True(after > 0);
    }

    private NodeCandidate Candidate(string id, double? latencyMs)
    {
        var state = new NodeState(id);
        if (latencyMs is { } ms)
        {
            state.AddLatency(TimeSpan.FromMilliseconds(ms).Ticks, _time.GetUtcNow().UtcTicks);
        }

        var node = new MicroNode { Id = id, Address = "127.0.0.1", Port = 1 };
        return new NodeCandidate(new MicroService { Name = "s", Nodes = [node] }, node, state);
    }
}
