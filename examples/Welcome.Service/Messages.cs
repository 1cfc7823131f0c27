namespace Welcome.Service;

/// <summary>Welcome.Join's request: the new member.</summary>
public sealed record JoinRequest(string Name);

/// <summary>Welcome.Join's reply: the greeting the member gets.</summary>
public sealed record JoinReply(string Greeting);

/// <summary>The event published on <c>welcome.joined</c>.</summary>
public sealed record MemberJoined(string Name, string Greeting);
