using System.Net;
using System.Net.Sockets;
using System.Text;
using MicroHosting.Testing.Internal;
using Microsoft.AspNetCore.TestHost;

namespace MicroHosting.Testing;

/// <summary>
/// One node on a <see cref="MicroTestNetwork"/>: an app under test or a fake service, reached in memory at its
/// <see cref="Address"/>. Its faults make it misbehave for the code under test, as a real node can: refuse connections,
/// answer with an error, hang, or answer slowly. Faults apply to every request from now on until <see cref="Heal"/>,
/// calls and stream openings alike (a stream already open is not affected).
/// </summary>
public sealed class MicroTestNode
{
    private readonly TestServer _server;
    private readonly Lazy<HttpMessageHandler> _handler;
    private readonly TimeProvider _timeProvider;
    private volatile Fault _fault = Fault.None;
    private int _requests;

    internal MicroTestNode(string service, string address, TestServer server, TimeProvider timeProvider)
    {
        Service = service;
        Address = address;
        _server = server;
        _handler = new Lazy<HttpMessageHandler>(server.CreateHandler, LazyThreadSafetyMode.ExecutionAndPublication);
        _timeProvider = timeProvider;
    }

    /// <summary>Gets the service name the node registered under.</summary>
    public string Service { get; }

    /// <summary>Gets the node's <c>host:port</c> in the registry; it exists only on this network. Pass it as <c>MicroCallOptions.Address</c> to call the node with Go Micro's <c>POST /</c>.</summary>
    public string Address { get; }

    /// <summary>
    /// Gets how many requests reached the node (faulty or not), retries and stream openings included. A request is counted once the delay of
    /// <see cref="Hang"/> or <see cref="RespondAfter"/> is on the network's clock, so a test can wait for the count, then
    /// advance a fake clock.
    /// </summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>From now on the node refuses connections, like a node that went away: callers see a transport failure and retry elsewhere.</summary>
    public void RefuseConnections() => _fault = new Fault(FaultKind.Refuse, TimeSpan.Zero, null);

    /// <summary>From now on the node answers every request with <paramref name="error"/>'s status and error JSON, without running the handler.</summary>
    /// <param name="error">The error to answer with; its <see cref="MicroException.Code"/> is the HTTP status.</param>
    public void FailWith(MicroException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (error.Code is < 400 or > 599)
        {
            throw new ArgumentOutOfRangeException(nameof(error), error.Code, "A node fails with an error status, 400 to 599; use MicroException.InternalServerError(...) or new MicroException(id, 503, detail).");
        }

        _fault = new Fault(FaultKind.Fail, TimeSpan.Zero, error);
    }

    /// <summary>From now on the node never answers: a request waits until the caller gives up (its attempt timeout or cancellation).</summary>
    public void Hang() => _fault = new Fault(FaultKind.Hang, Timeout.InfiniteTimeSpan, null);

    /// <summary>From now on the node answers each request after <paramref name="delay"/>, measured by the network's <see cref="TimeProvider"/>.</summary>
    /// <param name="delay">The extra latency of every request.</param>
    public void RespondAfter(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        _fault = new Fault(FaultKind.Slow, delay, null);
    }

    /// <summary>Removes the fault: the node serves requests normally again.</summary>
    public void Heal() => _fault = Fault.None;

    internal async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var fault = _fault;
        var delay = fault.Kind is FaultKind.Hang or FaultKind.Slow ? Task.Delay(fault.Delay, _timeProvider, cancellationToken) : Task.CompletedTask;

        // Counted once an injected delay is on the clock, so a test that sees the request can move a fake clock past it.
        Interlocked.Increment(ref _requests);
        switch (fault.Kind)
        {
            case FaultKind.Refuse:
                throw new HttpRequestException(HttpRequestError.ConnectionError, $"Connection refused ({Address}, fault injected by MicroTestNode).", new SocketException((int)SocketError.ConnectionRefused));
            case FaultKind.Fail:
                return ErrorResponse(fault.Error!, request);
            case FaultKind.Hang:
            case FaultKind.Slow:
                await delay.ConfigureAwait(false);
                break;
        }

        return MicroTestWebSocketUpgrade.IsUpgrade(request)
            ? await MicroTestWebSocketUpgrade.SendAsync(_server, request, cancellationToken).ConfigureAwait(false)
            : await new HttpMessageInvoker(_handler.Value, disposeHandler: false).SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private static HttpResponseMessage ErrorResponse(MicroException error, HttpRequestMessage request) => new((HttpStatusCode)error.Code)
    {
        RequestMessage = request,
        Content = new StringContent(error.ToJson(), Encoding.UTF8, "application/json"),
    };

    private enum FaultKind
    {
        None,
        Refuse,
        Fail,
        Hang,
        Slow,
    }

    private sealed record Fault(FaultKind Kind, TimeSpan Delay, MicroException? Error)
    {
        public static readonly Fault None = new(FaultKind.None, TimeSpan.Zero, null);
    }
}
