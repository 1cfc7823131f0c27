using System.Net.Http.Headers;
using Google.Protobuf;
using MicroHosting.Benchmarks.Protos;

namespace MicroHosting.Benchmarks.Targets;

/// <summary><c>Bench.Echo</c> with the ~600-byte protobuf message over a plain pooled <see cref="HttpClient"/>.</summary>
internal sealed class HttpProtobufTarget(Uri baseAddress) : CallTarget
{
    private static readonly Uri Path = new("/Bench/Echo", UriKind.Relative);
    private readonly HttpClient _client = PooledHttpClient.Create(baseAddress);

    public override async Task CallAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Path);
        var content = new ByteArrayContent(Messages.Large.ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/protobuf");
        request.Content = content;
        using var response = await _client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var reply = Payload.Parser.ParseFrom(body);
        if (reply.Values.Count != Messages.Large.Values.Count)
        {
            throw new InvalidOperationException("Bench.Echo replied with a different message.");
        }
    }

    public override void Dispose() => _client.Dispose();
}
