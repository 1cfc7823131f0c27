namespace MicroHosting.Broker.Internal;

/// <summary>Global subscriber wrappers, added with <c>AddSubscriberWrapper</c>.</summary>
internal sealed class MicroSubscriberOptions
{
    public List<Func<MicroMessageContext, MicroMessageDelegate, Task>> Wrappers { get; } = [];
}
