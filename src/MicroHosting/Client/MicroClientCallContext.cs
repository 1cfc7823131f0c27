using System.Net.Http.Headers;
using MicroHosting.Client.Internal;
using MicroHosting.Registry;

namespace MicroHosting.Client;

/// <summary>
/// One call as client middleware (<see cref="IMicroClientMiddleware"/>) sees it: the resolved plan (service, endpoint,
/// budget, retries, idempotency), the metadata it sends, and, once <c>next</c> has returned or thrown, its outcome.
/// </summary>
public sealed class MicroClientCallContext
{
    private readonly MicroCallState _state;
    private readonly HttpRequestHeaders _headers;

    internal MicroClientCallContext(MicroCallState state, HttpRequestHeaders headers)
    {
        _state = state;
        _headers = headers;
    }

    /// <summary>Gets the service called.</summary>
    public string Service => _state.Plan.Service;

    /// <summary>Gets the endpoint, <c>Type.Method</c>; <see langword="null"/> for a raw request whose path is not <c>/Type/Method</c>.</summary>
    public string? Endpoint => _state.Plan.Endpoint;

    /// <summary>Gets whether the call is a stream (its outcome is that of opening it).</summary>
    public bool IsStream => _state.Plan.Stream;

    /// <summary>Gets the call's whole budget; <see langword="null"/> for a stream without a deadline.</summary>
    public TimeSpan? Timeout => _state.Plan.HasDeadline ? _state.Plan.Budget : null;

    /// <summary>Gets how many times the call may be retried.</summary>
    public int Retries => _state.Plan.Retries;

    /// <summary>Gets whether the call, its typed client or the service's policy declared the endpoint idempotent; <see langword="null"/>: as the node's registration says.</summary>
    public bool? Idempotent => _state.Plan.Idempotent;

    /// <summary>Gets the call's own options, as given (<see langword="null"/> when none were).</summary>
    public MicroCallOptions? Options => _state.Plan.Options;

    /// <summary>Gets the node of the latest attempt; <see langword="null"/> before the first.</summary>
    public MicroNode? Node => _state.Node?.Node;

    /// <summary>Gets how many attempts the call made.</summary>
    public int Attempts => _state.Attempts;

    /// <summary>
    /// Gets the call's status once it has ended: 200 (or the node's success status) when it succeeded, else the error's
    /// code (408 for the deadline, 499 when cancelled, 0 when no node replied); <see langword="null"/> while it runs.
    /// </summary>
    public int? StatusCode { get; internal set; }

    /// <summary>
    /// Gets the error the call's attempts ended with, if it failed. For a unary call this is what the HttpClient
    /// pipeline threw, before <see cref="IMicroClient"/> turns it into the exception its caller gets: an
    /// <see cref="HttpRequestException"/> when no node replied, Polly's <c>TimeoutRejectedException</c> for the deadline, a
    /// <see cref="MicroException"/> otherwise; <see cref="StatusCode"/> says the same for both.
    /// </summary>
    public Exception? Error { get; internal set; }

    /// <summary>The end of the middleware chain: the call's attempts (set per call by the unary or stream entry).</summary>
    internal Func<MicroClientCallContext, ValueTask>? Terminal { get; set; }

    /// <summary>The unary call's reply, once the terminal has run.</summary>
    internal HttpResponseMessage? Response { get; set; }

    /// <summary>Whether an opened server stream has a first message.</summary>
    internal bool StreamHasMessage { get; set; }

    /// <summary>Runs the call's attempts and records the outcome the middleware sees after <c>next</c>.</summary>
    internal async ValueTask RunTerminalAsync()
    {
        try
        {
            await Terminal!(this).ConfigureAwait(false);
            StatusCode = Response is { } response ? (int)response.StatusCode : 200;
        }
        catch (Exception ex)
        {
            Error = ex;
            StatusCode = StatusOf(ex);
            throw;
        }
    }

    /// <summary>The status a failed call reports: 408 for its deadline, the error's code, 499 when cancelled, 0 when no node replied.</summary>
    internal static int StatusOf(Exception? error) => error switch
    {
        Polly.Timeout.TimeoutRejectedException => 408,
        MicroException micro => micro.Code,
        OperationCanceledException => 499,
        _ => 0,
    };

    /// <summary>The error when a middleware returned without calling <c>next</c> (and without throwing).</summary>
    internal MicroException NotCalled()
        => new(MicroClientErrors.Id, 500, $"call to {Service} {Endpoint} not made: a client middleware (IMicroClientMiddleware) returned without calling next; throw to refuse a call");

    /// <summary>Composes the registered middleware, first outermost, around the terminal.</summary>
    internal static MicroClientCallDelegate? Compose(IReadOnlyList<IMicroClientMiddleware> middleware)
    {
        if (middleware.Count == 0)
        {
            return null;
        }

        MicroClientCallDelegate chain = static context => context.RunTerminalAsync();
        for (var i = middleware.Count - 1; i >= 0; i--)
        {
            var current = middleware[i];
            var next = chain;
            chain = context => current.InvokeAsync(context, next);
        }

        return chain;
    }

    /// <summary>Gets a metadata value the call sends (a header), if set.</summary>
    public string? GetMetadata(string key)
        => _headers.NonValidated.TryGetValues(key, out var values) ? values.ToString() : null;

    /// <summary>Sets a metadata value the call sends (a header; replaces a value set before). Only before <c>next</c>.</summary>
    /// <exception cref="ArgumentException">The key is not a header name, or the value spans lines.</exception>
    /// <exception cref="InvalidOperationException">The call has started.</exception>
    public void SetMetadata(string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        if (_state.Attempts > 0 || StatusCode is not null)
        {
            throw new InvalidOperationException("Metadata can only be set before the middleware calls next.");
        }

        MicroCallHeaders.Set(_headers, key, value);
    }
}
