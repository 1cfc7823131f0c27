namespace MicroHosting.Broker.Nats;

/// <summary>
/// How the NATS broker writes a published message. Receiving accepts every format whatever this is set to.
/// </summary>
public enum NatsMessageFormat
{
    /// <summary>
    /// Go Micro's NATS format: the whole message JSON-encoded as the payload,
    /// <c>{"Header":{...},"Body":"&lt;base64&gt;"}</c>, without NATS headers. Go Micro services (its NATS broker plug-in and
    /// v5's built-in one) can read it. The default.
    /// </summary>
    GoMicro = 0,

    /// <summary>
    /// Native NATS: the message headers as NATS headers and the encoded body as the payload, unchanged. Smaller and
    /// cheaper (no base64, no JSON), and NATS tools see the headers, but Go Micro subscribers cannot read it.
    /// </summary>
    Headers = 1,
}
