using System.Diagnostics.Tracing;
using Microsoft.Extensions.Http;

namespace MicroHosting.Client.Internal;

/// <summary>
/// The <see cref="HttpMessageInvoker"/> <see cref="IMicroClient"/> sends its calls through, over the handlers of the
/// MicroHosting named client. It knows the <see cref="MicroCallSetupHandler"/> at the head of that chain, so that
/// <see cref="MicroCaller"/> can run a call's setup in its own async method (<see cref="DirectSetup"/>) rather than
/// through <see cref="HttpMessageInvoker.SendAsync"/> and the setup handler's <c>SendAsync</c>: one async state machine
/// (and its Task) and the hops through the invoker and the factory's lifetime wrapper less per call.
/// </summary>
internal sealed class MicroCallInvoker : HttpMessageInvoker
{
    private const string HttpEventSourceName = "System.Net.Http";
    private static EventSource? s_httpEvents;
    private static volatile bool s_sentThroughInvoker;
    private static volatile bool s_noHttpEvents;
    private readonly MicroCallSetupHandler? _setup;

    public MicroCallInvoker(HttpMessageHandler handler)
        : base(handler, disposeHandler: false)
    {
        // The factory's chain is its lifetime-tracking wrapper (it only tracks when the handlers may be disposed), then the
        // handlers in the order they were added: the setup handler comes first unless a handler was added before it.
        _setup = handler as MicroCallSetupHandler
            ?? (handler is DelegatingHandler { InnerHandler: MicroCallSetupHandler setup } wrapper
                && wrapper.GetType().Assembly == typeof(IHttpMessageHandlerFactory).Assembly
                ? setup
                : null);
    }

    /// <summary>Gets the setup handler at the head of the chain, or <see langword="null"/> when a handler was added before it.</summary>
    public MicroCallSetupHandler? Setup => _setup;

    /// <summary>
    /// Gets the setup handler to run a call through directly, or <see langword="null"/> to send it through the invoker:
    /// when a handler sits before the setup handler, when client middleware runs around the call, or while System.Net.Http's
    /// EventSource is enabled (the invoker writes its request start and stop events, which the direct way would skip).
    /// </summary>
    public MicroCallSetupHandler? DirectSetup => _setup is { RunsDirectly: true } setup && !HttpEventsEnabled() ? setup : null;

    public override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var sending = base.SendAsync(request, cancellationToken);
        s_sentThroughInvoker = true; // System.Net.Http's EventSource exists from here on, where EventSource is supported
        return sending;
    }

    /// <summary>
    /// Whether System.Net.Http's EventSource is enabled. It is created when the first request is sent, so it is looked
    /// for until found, or until a request went through an invoker without it appearing (no EventSource support, as in a
    /// trimmed app that turns it off); until then calls go through the invoker.
    /// </summary>
    private static bool HttpEventsEnabled()
    {
        if (s_httpEvents is { } events)
        {
            return events.IsEnabled();
        }

        if (s_noHttpEvents)
        {
            return false;
        }

        var sent = s_sentThroughInvoker;
        foreach (var source in EventSource.GetSources())
        {
            if (source.Name == HttpEventSourceName)
            {
                s_httpEvents = source;
                return source.IsEnabled();
            }
        }

        s_noHttpEvents = sent;
        return !sent;
    }
}
