using System.Globalization;
using System.Net.Http.Headers;
using MicroHosting.Codecs;
using MicroHosting.Registry;
using Polly;
using Polly.Retry;

namespace MicroHosting.Broker.Internal;

/// <summary>Delivery: find the topic's subscribers, POST to each broadcast node and to one member per queue, retrying with backoff.</summary>
internal sealed partial class HttpBroker
{
    private static readonly ResiliencePropertyKey<DeliveryAttempt> AttemptKey = new("MicroHosting.Broker.DeliveryAttempt");

    private async Task DeliverAsync(string topic, byte[] envelope, CancellationToken stopping)
    {
        IReadOnlyList<HttpBrokerTarget> targets;
        try
        {
            targets = await _discovery.GetAsync(topic, stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested)
        {
            _metrics.DeliveryFailed(Name, topic);
            LogDiscoveryFailed(topic, ex);
            throw new HttpBrokerDeliveryException($"looking up the subscribers of {topic} failed: {ex.Message}", ex);
        }

        var deliveries = new List<Task<bool>>();
        foreach (var target in targets.Where(t => t.IsBroadcast))
        {
            deliveries.Add(DeliverWithRetryAsync(new DeliveryAttempt(topic, envelope, null, target), stopping));
        }

        foreach (var queue in targets.Where(t => !t.IsBroadcast).Select(t => t.Version).Distinct(StringComparer.Ordinal))
        {
            deliveries.Add(DeliverWithRetryAsync(new DeliveryAttempt(topic, envelope, queue, null), stopping));
        }

        if (deliveries.Count == 0)
        {
            _metrics.Dropped(Name, topic, "no_subscribers");
            LogNoSubscribers(topic);
            throw new HttpBrokerDeliveryException($"no subscriber of {topic} is registered", null, noSubscribers: true);
        }

        var delivered = await Task.WhenAll(deliveries).ConfigureAwait(false);
        if (!delivered.Any(d => d))
        {
            throw new HttpBrokerDeliveryException($"no subscriber of {topic} accepted the message ({deliveries.Count} tried; see the BrokerDeliveryFailed log)", null);
        }
    }

    /// <summary>Delivers to one broadcast node or one queue group; true when it arrived (or the subscriber left on purpose).</summary>
    private async Task<bool> DeliverWithRetryAsync(DeliveryAttempt attempt, CancellationToken stopping)
    {
        var context = ResilienceContextPool.Shared.Get(stopping);
        context.Properties.Set(AttemptKey, attempt);
        try
        {
            await _retry.ExecuteAsync(static (ctx, broker) => broker.AttemptAsync(ctx), context, this).ConfigureAwait(false);
            _metrics.Delivered(Name, attempt.Topic);
            return true;
        }
        catch (SubscriberGoneException)
        {
            LogSubscriberGone(attempt.Topic, attempt.Target?.Node.Id ?? attempt.Queue ?? string.Empty);
            return true;
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested)
        {
            LogDeliveryFailed(attempt.Topic, attempt.Queue ?? "(broadcast)", attempt.Attempts, ex.Message);
            _metrics.DeliveryFailed(Name, attempt.Topic);
            return false;
        }
        catch (OperationCanceledException)
        {
            _metrics.Dropped(Name, attempt.Topic, "stopping");
            return false;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async ValueTask AttemptAsync(ResilienceContext context)
    {
        var attempt = context.Properties.GetValue(AttemptKey, null!);
        var target = await PickTargetAsync(attempt, context.CancellationToken).ConfigureAwait(false);
        var node = target.Node;
        attempt.Attempts++;
        attempt.Tried.Add(node.Id);
        using var timeout = new CancellationTokenSource(_options.DeliveryTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, context.CancellationToken);
        try
        {
            await PostAsync(target, attempt.Envelope, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            _discovery.Invalidate(attempt.Topic);
            throw new TimeoutException($"{node.HostPort} did not answer within {_options.DeliveryTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s");
        }
        catch (Exception)
        {
            _discovery.Invalidate(attempt.Topic);
            throw;
        }
    }

    /// <summary>The target for this attempt: the broadcast node while it is still registered; for a queue, a member not tried yet when there is one.</summary>
    private async ValueTask<HttpBrokerTarget> PickTargetAsync(DeliveryAttempt attempt, CancellationToken cancellationToken)
    {
        if (attempt.Attempts == 0 && attempt.Target is not null)
        {
            return attempt.Target;
        }

        var targets = await _discovery.GetAsync(attempt.Topic, cancellationToken).ConfigureAwait(false);
        var version = attempt.Queue ?? HttpBrokerSubscription.BroadcastVersion;
        var members = targets.Where(t => string.Equals(t.Version, version, StringComparison.Ordinal)).ToArray();
        if (attempt.Target is { } target)
        {
            // A broadcast subscriber that deregistered meanwhile unsubscribed on purpose: nothing is lost.
            return Array.Find(members, t => string.Equals(t.Node.Id, target.Node.Id, StringComparison.Ordinal)) ?? throw new SubscriberGoneException();
        }

        if (members.Length == 0)
        {
            throw new InvalidOperationException($"queue {attempt.Queue} of topic {attempt.Topic} has no members");
        }

        var untried = Array.FindAll(members, t => !attempt.Tried.Contains(t.Node.Id));
        var pool = untried.Length > 0 ? untried : members;
        return pool[Random.Shared.Next(pool.Length)];
    }

    private async Task PostAsync(HttpBrokerTarget target, byte[] envelope, CancellationToken cancellationToken)
    {
        var node = target.Node;
        var scheme = node.Metadata.TryGetValue("secure", out var secure) && secure == "true" ? "https" : "http";
        var uri = new Uri($"{scheme}://{node.HostPort}{target.Path}?id={Uri.EscapeDataString(node.Id)}");
        using var content = new ByteArrayContent(envelope);
        content.Headers.ContentType = new MediaTypeHeaderValue(MicroContentTypes.Json);
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
        var client = _httpClientFactory.CreateClient(ClientName);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var detail = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var error = MicroException.Parse(detail);
            throw new HttpRequestException(
                $"{node.HostPort} answered {(int)response.StatusCode}: {(error.Detail.Length > 0 ? error.Detail : response.ReasonPhrase)}",
                null,
                response.StatusCode);
        }
    }

    private ResiliencePipeline BuildRetryPipeline()
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = _timeProvider };
        if (_options.MaxDeliveryAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = _options.MaxDeliveryAttempts - 1,
                Delay = _options.RetryDelay,
                MaxDelay = _options.MaxRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = static args => ValueTask.FromResult(
                    args.Outcome.Exception is { } ex && ex is not SubscriberGoneException && !args.Context.CancellationToken.IsCancellationRequested),
                OnRetry = args =>
                {
                    var attempt = args.Context.Properties.GetValue(AttemptKey, null!);
                    _metrics.DeliveryRetried(Name, attempt.Topic);
                    LogRetrying(attempt.Topic, attempt.Attempts, args.RetryDelay.TotalMilliseconds, args.Outcome.Exception?.Message);
                    return default;
                },
            });
        }

        return builder.Build();
    }

    /// <summary>One message on its way to one broadcast node (<see cref="Target"/>) or one queue group.</summary>
    private sealed class DeliveryAttempt(string topic, byte[] envelope, string? queue, HttpBrokerTarget? target)
    {
        public string Topic { get; } = topic;

        public byte[] Envelope { get; } = envelope;

        public string? Queue { get; } = queue;

        public HttpBrokerTarget? Target { get; } = target;

        public HashSet<string> Tried { get; } = new(StringComparer.Ordinal);

        public int Attempts { get; set; }
    }

    private sealed class SubscriberGoneException : Exception;
}
