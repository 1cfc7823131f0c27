using System.Buffers;
using System.IO.Compression;
using System.Text.Json;

namespace MicroHosting.Registry.Mdns.Internal;

/// <summary>
/// Go Micro's TXT encoding: JSON, zlib-compressed, hex-encoded in lower case, cut into strings of at most 255
/// characters. Decoding inflates at most <see cref="MaxJsonBytes"/> bytes, so a zlib bomb is rejected, not expanded.
/// </summary>
internal static class MdnsTxt
{
    public const int MaxJsonBytes = 256 * 1024;
    public const int MaxStringLength = 255;

    public static IReadOnlyList<string> Encode(MdnsTxtPayload payload)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(payload, MdnsJsonContext.Default.MdnsTxtPayload);
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(json);
        }

        var hex = Convert.ToHexStringLower(compressed.GetBuffer(), 0, (int)compressed.Length);
        var strings = new List<string>((hex.Length / MaxStringLength) + 1);
        for (var i = 0; i < hex.Length; i += MaxStringLength)
        {
            strings.Add(hex.Substring(i, Math.Min(MaxStringLength, hex.Length - i)));
        }

        return strings;
    }

    /// <summary>Decodes a TXT record; <see langword="null"/> with a reason when it is not Go Micro's encoding or breaks a limit.</summary>
    public static MdnsTxtPayload? Decode(IReadOnlyList<string> strings, out string? error) => Decode(strings, out error, out _);

    /// <summary>Decodes a TXT record, also giving the size of the JSON it inflated to.</summary>
    public static MdnsTxtPayload? Decode(IReadOnlyList<string> strings, out string? error, out int jsonBytes)
    {
        jsonBytes = 0;
        var hex = string.Concat(strings);
        if (hex.Length == 0 || hex.Length % 2 != 0)
        {
            error = "the TXT record is not an even number of hex digits";
            return null;
        }

        byte[] compressed;
        try
        {
            compressed = Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            error = "the TXT record is not hex";
            return null;
        }

        var json = ArrayPool<byte>.Shared.Rent(MaxJsonBytes + 1);
        try
        {
            var length = Inflate(compressed, json, out error);
            if (length < 0)
            {
                return null;
            }

            jsonBytes = length;
            var payload = JsonSerializer.Deserialize(json.AsSpan(0, length), MdnsJsonContext.Default.MdnsTxtPayload);
            if (payload is null || string.IsNullOrEmpty(payload.Service))
            {
                error = "the TXT JSON has no Service";
                return null;
            }

            payload.Endpoints = payload.Endpoints is null
                ? []
                : [.. payload.Endpoints.Where(e => e is not null).Select(e => e.Metadata is null
                    ? new MicroEndpoint { Name = e.Name, Request = e.Request, Response = e.Response }
                    : e)];
            payload.Metadata ??= new Dictionary<string, string>(StringComparer.Ordinal);
            error = null;
            return payload;
        }
        catch (JsonException ex)
        {
            error = "the TXT JSON is invalid: " + ex.Message;
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(json);
        }
    }

    private static int Inflate(byte[] compressed, byte[] output, out string? error)
    {
        try
        {
            using var zlib = new ZLibStream(new MemoryStream(compressed), CompressionMode.Decompress);
            var total = 0;
            int read;
            while ((read = zlib.Read(output, total, output.Length - total)) > 0)
            {
                total += read;
                if (total > MaxJsonBytes)
                {
                    error = $"the TXT record inflates to more than {MaxJsonBytes} bytes";
                    return -1;
                }
            }

            error = null;
            return total;
        }
        catch (InvalidDataException ex)
        {
            error = "the TXT record is not zlib data: " + ex.Message;
            return -1;
        }
    }
}
