namespace MicroHosting.Cli.Tests;

public sealed record HelloRequest(string Name);

public sealed record HelloReply(string Message);

public sealed record CountRequest(int To);

public sealed record Number(int Value);

public sealed record OrderPlaced(string Id);
