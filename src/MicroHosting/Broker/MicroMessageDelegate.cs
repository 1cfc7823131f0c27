namespace MicroHosting.Broker;

/// <summary>The rest of a subscriber pipeline: the next wrapper, and finally the subscriber itself.</summary>
/// <param name="context">The message being handled.</param>
/// <returns>Completes when the message is handled.</returns>
public delegate Task MicroMessageDelegate(MicroMessageContext context);
