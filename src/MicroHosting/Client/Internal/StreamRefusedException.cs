namespace MicroHosting.Client.Internal;

/// <summary>
/// A node refused a stream's opening: a WebSocket upgrade answered with a status other than <c>101 Switching
/// Protocols</c>, or a gRPC stream's request answered with an HTTP status other than <c>200</c>.
/// </summary>
internal sealed class StreamRefusedException(int status, string? reasonPhrase, string body)
    : Exception($"the node answered the stream's opening with {status} {reasonPhrase}")
{
    private const int MaxBodyLength = 8 * 1024;

    public int Status { get; } = status;

    public string? ReasonPhrase { get; } = reasonPhrase;

    /// <summary>Gets the start of the reply body: MicroHosting's error JSON, or whatever else answered.</summary>
    public string Body { get; } = body;

    /// <summary>Reads the start of the refusal's body (at most 8 KiB) into the exception; disposes the response.</summary>
    public static async Task<StreamRefusedException> FromAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using (response)
        {
            var body = string.Empty;
            try
            {
                var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    var buffer = new byte[MaxBodyLength];
                    var length = 0;
                    int read;
                    while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        length += read;
                    }

                    body = System.Text.Encoding.UTF8.GetString(buffer, 0, length);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                // The status is what matters; a body cut short is not worth a second error.
            }

            return new StreamRefusedException((int)response.StatusCode, response.ReasonPhrase, body);
        }
    }
}
