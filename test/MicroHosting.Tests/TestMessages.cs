namespace MicroHosting.Tests;

public sealed record HelloRequest(string Name);

public sealed record HelloReply(string Message);
