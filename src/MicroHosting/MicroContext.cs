using MicroHosting.Internal;
using Microsoft.AspNetCore.Http;

namespace MicroHosting;

/// <summary>
/// What a handler knows about the call it serves: the endpoint, the caller's metadata (request headers that are
/// not transport headers), the deadline (from Go Micro's <c>Timeout</c> header) and a token cancelled when the
/// deadline passes or the caller goes away. Calls made through <c>IMicroClient</c> inside a handler inherit the
/// remaining budget and the metadata.
/// </summary>
public sealed class MicroContext
{
    private static readonly AsyncLocal<MicroContext?> CurrentContext = new();
    private readonly TimeProvider _timeProvider;
    private IReadOnlyDictionary<string, string>? _metadata;

    internal MicroContext(HttpContext httpContext, string service, string endpoint, DateTimeOffset? deadline, CancellationToken cancellationToken, TimeProvider timeProvider)
    {
        HttpContext = httpContext;
        Service = service;
        Endpoint = endpoint;
        Deadline = deadline;
        CancellationToken = cancellationToken;
        _timeProvider = timeProvider;
    }

    /// <summary>Gets the context of the call this code runs in, or <see langword="null"/> outside a handler.</summary>
    public static MicroContext? Current
    {
        get => CurrentContext.Value;
        internal set => CurrentContext.Value = value;
    }

    /// <summary>Gets the underlying HTTP request context.</summary>
    public HttpContext HttpContext { get; }

    /// <summary>Gets the name of the service serving the call (this service).</summary>
    public string Service { get; }

    /// <summary>Gets the endpoint being called, for example <c>Greeter.Hello</c>.</summary>
    public string Endpoint { get; }

    /// <summary>Gets the caller's request id (<c>Micro-Id</c>), if it sent one.</summary>
    public string? RequestId
    {
        get
        {
            var headers = HttpContext.Request.Headers;
            var id = headers[MicroHeaders.Id];
            return id.Count > 0 ? id.ToString() : headers[MicroHeaders.XId].Count > 0 ? headers[MicroHeaders.XId].ToString() : null;
        }
    }

    /// <summary>Gets the caller's deadline, or <see langword="null"/> when it set none.</summary>
    public DateTimeOffset? Deadline { get; }

    /// <summary>Gets the time left until <see cref="Deadline"/>, or <see langword="null"/> when there is no deadline.</summary>
    public TimeSpan? RemainingTime => Deadline is { } deadline ? deadline - _timeProvider.GetUtcNow() : null;

    /// <summary>
    /// Gets the token cancelled when the deadline passes or the caller disconnects. Valid while the handler runs: as with
    /// <c>HttpContext.RequestAborted</c>, the source behind a deadline is reused by later requests once this one is over.
    /// </summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Gets the caller's metadata: request headers other than transport and routing headers. Case-insensitive keys.</summary>
    public IReadOnlyDictionary<string, string> Metadata => _metadata ??= ReadMetadata(HttpContext.Request.Headers);

    /// <summary>Gets the calling service's name (<c>Micro-From-Service</c>), if the caller is a service.</summary>
    public string? FromService => Metadata.TryGetValue(MicroHeaders.FromService, out var from) ? from
        : Metadata.TryGetValue(MicroHeaders.XFromService, out from) ? from : null;

    private static Dictionary<string, string> ReadMetadata(IHeaderDictionary headers)
    {
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in headers)
        {
            if (!MicroHeaders.NotMetadata.Contains(key))
            {
                metadata[key] = value.ToString();
            }
        }

        return metadata;
    }
}
