using MicroHosting.Server.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;

namespace MicroHosting.Tests.Server.Internal;

public sealed class MicroServerLifetimeTests
{
    [Fact]
    public async Task OnServed_FunctionMode_StopsTheHostOnceAfterTheFirstReplyCompletes()
    {
        var host = new StoppingLifetime();
        var lifetime = new MicroServerLifetime(function: true, host);
        var first = new CompletingResponse();
        var second = new CompletingResponse();

        lifetime.OnServed(first.Context);
        lifetime.OnServed(second.Context);
        Assert.Equal(0, host.StopCalls);

        await first.CompleteAsync();
        await second.CompleteAsync();

        Assert.Equal(1, host.StopCalls);
    }

    [Fact]
    public async Task OnServed_NotFunctionMode_NeverStopsTheHost()
    {
        var host = new StoppingLifetime();
        var response = new CompletingResponse();

        new MicroServerLifetime(function: false, host).OnServed(response.Context);
        await response.CompleteAsync();

        Assert.Equal(0, host.StopCalls);
    }

    [Fact]
    public void Stopping_FollowsTheHost()
    {
        var host = new StoppingLifetime();
        var lifetime = new MicroServerLifetime(function: false, host);
        Assert.False(lifetime.Stopping.IsCancellationRequested);

        host.StopApplication();

        Assert.True(lifetime.Stopping.IsCancellationRequested);
        Assert.False(new MicroServerLifetime(function: false, lifetime: null).Stopping.CanBeCanceled);
    }

    private sealed class StoppingLifetime : IHostApplicationLifetime
    {
        private readonly CancellationTokenSource _stopping = new();

        public int StopCalls { get; private set; }

        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => _stopping.Token;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
            StopCalls++;
            _stopping.Cancel();
        }
    }

    /// <summary>A response whose <c>OnCompleted</c> callbacks run when the test says the reply is done.</summary>
    private sealed class CompletingResponse : HttpResponseFeature
    {
        private readonly List<(Func<object, Task> Callback, object State)> _completed = [];

        public CompletingResponse()
        {
            Context = new DefaultHttpContext();
            Context.Features.Set<IHttpResponseFeature>(this);
        }

        public DefaultHttpContext Context { get; }

        public override void OnCompleted(Func<object, Task> callback, object state) => _completed.Add((callback, state));

        public async Task CompleteAsync()
        {
            foreach (var (callback, state) in _completed)
            {
                await callback(state);
            }
        }
    }
}
