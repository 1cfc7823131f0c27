namespace MicroHosting.Client;

/// <summary>
/// Client-side call middleware: runs around every call a MicroHosting client makes, unary calls (through
/// <see cref="IMicroClient"/>, a typed client or its raw <see cref="HttpClient"/>) and streams alike, once per call
/// (outside the retries). It sees the call's resolved plan (<see cref="MicroClientCallContext"/>), may add metadata
/// before calling <c>next</c>, and sees the outcome after it: the node, the attempts, the status or the error. For a
/// stream the outcome is that of opening it. Register with
/// <c>services.AddMicroClientMiddleware&lt;T&gt;()</c>; the first registered runs outermost.
/// </summary>
public interface IMicroClientMiddleware
{
    /// <summary>Runs the middleware: call <paramref name="next"/> to make the call (or throw to refuse it).</summary>
    /// <param name="context">The call: its plan, the metadata it sends, and after <paramref name="next"/> its outcome.</param>
    /// <param name="next">The rest of the chain, ending in the call's attempts.</param>
    ValueTask InvokeAsync(MicroClientCallContext context, MicroClientCallDelegate next);
}

/// <summary>The rest of the client middleware chain, ending in the call's attempts.</summary>
/// <param name="context">The call.</param>
public delegate ValueTask MicroClientCallDelegate(MicroClientCallContext context);
