namespace MicroHosting.Benchmarks;

/// <summary>The small JSON reply of <c>Greeter.Hello</c>.</summary>
/// <param name="Message">The greeting.</param>
public sealed record GreetReply(string Message);
