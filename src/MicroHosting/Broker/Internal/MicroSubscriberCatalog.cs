namespace MicroHosting.Broker.Internal;

/// <summary>Every subscriber of this app: those added to services and those mapped on the app before it starts.</summary>
internal sealed class MicroSubscriberCatalog(IEnumerable<MicroSubscriberDefinition> registered)
{
    private readonly Lock _gate = new();
    private readonly List<MicroSubscriberDefinition> _definitions = [.. registered];
    private bool _frozen;

    public MicroSubscriberDefinition Add(MicroSubscriberDefinition definition)
    {
        lock (_gate)
        {
            if (_frozen)
            {
                throw new InvalidOperationException(
                    $"The subscriber to '{definition.Topic}' was mapped after the app started; call MapMicroSubscriber before app.Run()/app.StartAsync().");
            }

            _definitions.Add(definition);
        }

        return definition;
    }

    public IReadOnlyList<MicroSubscriberDefinition> Freeze()
    {
        lock (_gate)
        {
            _frozen = true;
            return [.. _definitions];
        }
    }
}
