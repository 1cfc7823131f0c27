namespace MicroHosting.OpenTelemetry.Tests;

public sealed record OrderRequest(string Item);

public sealed record OrderReply(string Id);

public sealed record OrderPlaced(string Id, string Item);
