using System.Diagnostics;

namespace MicroHosting.Diagnostics;

/// <summary>
/// Messaging spans: <c>send {topic}</c> (kind Producer) and <c>process {topic}</c> (kind Consumer), with W3C trace context
/// carried in the message headers <c>traceparent</c> and <c>tracestate</c>, so a trace crosses every broker.
/// </summary>
public static partial class MicroTelemetry
{
    /// <summary>Starts the span of one publish and writes its trace context into <paramref name="headers"/>; null when nobody listens.</summary>
    internal static Activity? StartPublish(string broker, string topic, IDictionary<string, string> headers)
    {
        // Context inherited from the handler's metadata describes the caller's hop, not this message.
        headers.Remove(TraceParent);
        headers.Remove(TraceState);
        var activity = ActivitySource.HasListeners() ? ActivitySource.StartActivity("send " + topic, ActivityKind.Producer) : null;
        if (activity is { IsAllDataRequested: true })
        {
            SetMessagingTags(activity, broker, topic, "send", headers.TryGetValue(Internal.MicroHeaders.Id, out var id) ? id : null);
        }

        if ((activity ?? Activity.Current) is { IdFormat: ActivityIdFormat.W3C } current)
        {
            headers[TraceParent] = FormatTraceParent(current);
            if (current.TraceStateString is { Length: > 0 } state)
            {
                headers[TraceState] = state;
            }
        }

        return activity;
    }

    /// <summary>Starts the span of one delivery to a subscriber, continuing the publisher's trace from the message headers.</summary>
    internal static Activity? StartProcess(string broker, string topic, Broker.BrokerMessage message)
    {
        if (!ActivitySource.HasListeners())
        {
            return null;
        }

        ActivityContext parent = default;
        if (message.GetHeader(TraceParent) is { } traceParent)
        {
            ActivityContext.TryParse(traceParent, message.GetHeader(TraceState), isRemote: true, out parent);
        }

        var activity = ActivitySource.StartActivity("process " + topic, ActivityKind.Consumer, parent);
        if (activity is { IsAllDataRequested: true })
        {
            SetMessagingTags(activity, broker, topic, "process", message.GetHeader(Internal.MicroHeaders.Id));
        }

        return activity;
    }

    private static void SetMessagingTags(Activity activity, string broker, string topic, string operation, string? messageId)
    {
        activity.SetTag("messaging.system", broker);
        activity.SetTag("messaging.destination.name", topic);
        activity.SetTag("messaging.operation.type", operation);
        if (messageId is not null)
        {
            activity.SetTag("messaging.message.id", messageId);
        }
    }
}
