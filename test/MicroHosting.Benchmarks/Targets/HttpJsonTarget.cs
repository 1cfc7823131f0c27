using System.Net.Http.Headers;
using System.Text.Json;

namespace MicroHosting.Benchmarks.Targets;

/// <summary>
/// <c>Greeter.Hello</c> with the small JSON message over a plain pooled <see cref="HttpClient"/>: serialize, POST, check,
/// deserialize, as a hand-written client does. <paramref name="goMicro"/> posts to <c>/</c> with Go Micro's headers instead.
/// </summary>
internal sealed class HttpJsonTarget(Uri baseAddress, bool goMicro = false) : CallTarget
{
    private static readonly Uri NativePath = new("/Greeter/Hello", UriKind.Relative);
    private static readonly Uri RootPath = new("/", UriKind.Relative);
    private readonly HttpClient _client = PooledHttpClient.Create(baseAddress);

    public override async Task CallAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, goMicro ? RootPath : NativePath);
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(Messages.SmallJson, JsonSerializerOptions.Web));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Content = content;
        if (goMicro)
        {
            request.Headers.TryAddWithoutValidation("Micro-Endpoint", "Greeter.Hello");
        }

        using var response = await _client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        if (goMicro && response.Headers.Contains("Micro-Error"))
        {
            throw new HttpRequestException("Micro-Error: " + string.Join(' ', response.Headers.GetValues("Micro-Error")));
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var reply = await JsonSerializer.DeserializeAsync<GreetReply>(body, JsonSerializerOptions.Web, cancellationToken).ConfigureAwait(false);
        if (reply?.Message is not { Length: > 0 })
        {
            throw new InvalidOperationException("Greeter.Hello replied without a message.");
        }
    }

    public override void Dispose() => _client.Dispose();
}
