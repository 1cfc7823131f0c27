using MicroHosting.Codecs;
using MicroHosting.Diagnostics;
using MicroHosting.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MicroHosting.Server.Internal;

/// <summary>
/// What every handler shares at request time, one part per responsibility: codec negotiation (<see cref="Codecs"/>),
/// reading the request (<see cref="Reader"/>), writing replies and errors (<see cref="Writer"/>) and the host's
/// lifetime, function mode included (<see cref="Lifetime"/>).
/// </summary>
internal sealed class MicroServerRuntime
{
    public MicroServerRuntime(
        MicroCodecRegistry codecs,
        IOptions<MicroOptions> options,
        TimeProvider timeProvider,
        ILogger<MicroServerRuntime> logger,
        MicroMetrics metrics,
        IHostApplicationLifetime? lifetime = null)
    {
        var value = options.Value;
        ServiceName = value.Name ?? "micro";
        TimeProvider = timeProvider;
        Metrics = metrics;
        Codecs = new MicroCodecNegotiator(codecs);
        Reader = new MicroRequestReader(ServiceName, value.MaxRequestBodySize, timeProvider);
        Writer = new MicroReplyWriter(ServiceName, logger);
        Lifetime = new MicroServerLifetime(value.Function, lifetime);
    }

    /// <summary>Gets the service name errors carry as their id.</summary>
    public string ServiceName { get; }

    public TimeProvider TimeProvider { get; }

    public MicroMetrics Metrics { get; }

    /// <summary>Gets the codec negotiation: request <c>Content-Type</c>, reply <c>Accept</c>.</summary>
    public MicroCodecNegotiator Codecs { get; }

    /// <summary>Gets the reader of the caller's budget and body.</summary>
    public MicroRequestReader Reader { get; }

    /// <summary>Gets the writer of replies and errors.</summary>
    public MicroReplyWriter Writer { get; }

    /// <summary>Gets the host's lifetime: stopping, and function mode's one-request shutdown.</summary>
    public MicroServerLifetime Lifetime { get; }
}
