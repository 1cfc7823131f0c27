namespace MicroHosting.Benchmarks;

/// <summary>The small JSON request of <c>Greeter.Hello</c>.</summary>
/// <param name="Name">Who to greet.</param>
public sealed record GreetRequest(string Name);
