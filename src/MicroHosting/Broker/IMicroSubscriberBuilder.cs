namespace MicroHosting.Broker;

/// <summary>Configures one subscriber after it is added: its own wrappers (middleware).</summary>
public interface IMicroSubscriberBuilder
{
    /// <summary>Gets the topic.</summary>
    string Topic { get; }

    /// <summary>Gets the queue group, or <see langword="null"/> for broadcast.</summary>
    string? Queue { get; }

    /// <summary>
    /// Adds a wrapper (Go Micro's subscriber wrapper) around this subscriber only. Wrappers run in the order added, after the
    /// global ones added with <c>AddSubscriberWrapper</c>; a wrapper may inspect or replace <see cref="MicroMessageContext.Message"/>,
    /// skip the subscriber by not calling <c>next</c>, or throw to fail the delivery.
    /// </summary>
    /// <param name="wrapper">The wrapper.</param>
    /// <returns>This builder.</returns>
    IMicroSubscriberBuilder Use(Func<MicroMessageContext, MicroMessageDelegate, Task> wrapper);
}
