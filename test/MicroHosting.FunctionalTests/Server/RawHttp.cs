using System.Net.Sockets;
using System.Text;

namespace MicroHosting.Tests.Server;

/// <summary>Writes HTTP/1.1 requests byte for byte, as a Go Micro client does, and reads the raw reply.</summary>
internal static class RawHttp
{
    public static async Task<RawResponse> SendAsync(Uri baseAddress, string head, byte[] body)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(baseAddress.Host, baseAddress.Port);
        var stream = client.GetStream();
        var headBytes = Encoding.ASCII.GetBytes(head.Replace("\n", "\r\n", StringComparison.Ordinal) + "\r\n");
        await stream.WriteAsync(headBytes);
        await stream.WriteAsync(body);
        await stream.FlushAsync();

        var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int headerEnd = -1;
        int contentLength = 0;
        while (true)
        {
            var read = await stream.ReadAsync(chunk).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            if (read == 0)
            {
                break;
            }

            buffer.Write(chunk, 0, read);
            var all = buffer.ToArray();
            if (headerEnd < 0)
            {
                headerEnd = IndexOf(all, "\r\n\r\n"u8.ToArray());
                if (headerEnd >= 0)
                {
                    var headers = Encoding.ASCII.GetString(all, 0, headerEnd);
                    var line = headers.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
                    contentLength = line is null ? 0 : int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            if (headerEnd >= 0 && all.Length >= headerEnd + 4 + contentLength)
            {
                break;
            }
        }

        var bytes = buffer.ToArray();
        var head2 = Encoding.ASCII.GetString(bytes, 0, headerEnd);
        var lines = head2.Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headerMap = lines.Skip(1).Select(l => l.Split(':', 2)).ToLookup(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        return new RawResponse(status, headerMap, bytes[(headerEnd + 4)..]);
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);
}

internal sealed record RawResponse(int Status, ILookup<string, string> Headers, byte[] Body)
{
    public string? Header(string name) => Headers[name].FirstOrDefault();
}
