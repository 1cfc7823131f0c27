using System.Collections.Concurrent;
using System.Net;

namespace MicroHosting.Tests.Client.Pipeline;

/// <summary>The innermost handler of a pipeline under test, in place of the socket handler: records what each attempt sent and answers as told.</summary>
internal sealed class StubHandler : HttpMessageHandler
{
    private readonly ConcurrentQueue<SentRequest> _sent = new();

    /// <summary>Gets or sets the answer to an attempt; 200 with an empty JSON object when unset.</summary>
    public Func<SentRequest, CancellationToken, Task<HttpResponseMessage>>? Respond { get; set; }

    /// <summary>Gets what every attempt sent, in order.</summary>
    public IReadOnlyList<SentRequest> Sent => [.. _sent];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var headers = request.Headers.NonValidated.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var sent = new SentRequest(request.RequestUri!, request.Version, headers, body);
        _sent.Enqueue(sent);
        var response = Respond is { } respond
            ? await respond(sent, cancellationToken)
            : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{}") };
        response.RequestMessage ??= request;
        return response;
    }
}

/// <summary>One attempt as it left the pipeline: its URI (the node), HTTP version, headers and body.</summary>
internal sealed record SentRequest(Uri Uri, Version Version, IReadOnlyDictionary<string, string> Headers, string? Body)
{
    public string HostPort => Uri.Authority;

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
