using Microsoft.AspNetCore.Http;

namespace MicroHosting.Server.Internal;

/// <summary>
/// What ends one served stream, on either wire (WebSocket or gRPC): the caller's deadline, which covers the whole
/// stream, the caller going away, or host shutdown.
/// </summary>
internal sealed class MicroStreamScope : IDisposable
{
    private readonly HttpContext _context;
    private readonly CancellationTokenSource? _deadline;
    private readonly CancellationTokenSource _stream;

    public MicroStreamScope(HttpContext context, MicroServerRuntime runtime, DateTimeOffset? deadline)
    {
        _context = context;
        _deadline = deadline is { } due
            ? new CancellationTokenSource(due - runtime.TimeProvider.GetUtcNow() is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero, runtime.TimeProvider)
            : null;
        _stream = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, runtime.Lifetime.Stopping, _deadline?.Token ?? CancellationToken.None);
    }

    /// <summary>Gets the token handed to the handler: cancelled by whichever of the three comes first.</summary>
    public CancellationToken Token => _stream.Token;

    /// <summary>Gets whether the stream ended because its deadline passed while the caller was still there (a 408).</summary>
    public bool DeadlinePassed => _deadline is { IsCancellationRequested: true } && !_context.RequestAborted.IsCancellationRequested;

    public void Dispose()
    {
        _stream.Dispose();
        _deadline?.Dispose();
    }
}
