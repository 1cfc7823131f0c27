namespace MicroHosting;

/// <summary>
/// Declares a handler idempotent: running it twice has the effect of running it once. The mark travels in the registry
/// (endpoint metadata <c>idempotent=true</c>), and MicroHosting clients then retry a call to it on another node after a
/// failure that may have come after the handler ran (500, 502, 504, 408, a timeout, a connection lost mid-call).
/// Without the mark a handler is run at most once per call, unless its caller declares otherwise. Put it on a
/// handler method, a contract interface method, or a lambda; <c>.Idempotent()</c> after a map call does the same.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class MicroIdempotentAttribute : Attribute
{
}
