namespace MicroHosting.Broker;

/// <summary>
/// Thrown by a subscriber (or a wrapper) to reject a message for good, without further retries: a message that can never
/// succeed (invalid, refers to something deleted). Durable brokers (NATS JetStream) move it to their dead-letter subject
/// with <see cref="Exception.Message"/> as the reason; the other brokers treat it as a failed delivery.
/// </summary>
public sealed class MicroDeadLetterException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MicroDeadLetterException()
        : base("the subscriber rejected the message")
    {
    }

    /// <summary>Creates the exception with the reason recorded on the dead letter.</summary>
    /// <param name="reason">Why the message is rejected, for example <c>order 42 does not exist</c>.</param>
    public MicroDeadLetterException(string reason)
        : base(reason)
    {
    }

    /// <summary>Creates the exception with the reason and the error behind it.</summary>
    /// <param name="reason">Why the message is rejected.</param>
    /// <param name="innerException">The error behind it.</param>
    public MicroDeadLetterException(string reason, Exception? innerException)
        : base(reason, innerException)
    {
    }
}
