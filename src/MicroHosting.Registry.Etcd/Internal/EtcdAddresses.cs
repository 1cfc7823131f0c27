using System.Globalization;

namespace MicroHosting.Registry.Etcd.Internal;

/// <summary>Parses Go Micro's etcd address list (<c>host:port[,host:port]</c>, optionally <c>http://</c> or <c>https://</c>).</summary>
internal static class EtcdAddresses
{
    public const int DefaultPort = 2379;

    /// <summary>Parses <paramref name="list"/> into <c>scheme://host:port</c> URIs; <paramref name="invalid"/> names the first bad entry.</summary>
    public static bool TryParse(string? list, bool useTls, out IReadOnlyList<Uri> uris, out string? invalid)
    {
        var result = new List<Uri>();
        uris = result;
        invalid = null;
        var entries = (list ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (entries.Length == 0)
        {
            invalid = list ?? string.Empty;
            return false;
        }

        var secure = useTls || entries.Any(e => e.StartsWith("https://", StringComparison.OrdinalIgnoreCase));
        foreach (var entry in entries)
        {
            if (!TryParseEntry(entry, out var host, out var port))
            {
                invalid = entry;
                return false;
            }

            var literal = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
            result.Add(new Uri($"{(secure ? "https" : "http")}://{literal}:{port.ToString(CultureInfo.InvariantCulture)}"));
        }

        return true;
    }

    private static bool TryParseEntry(string entry, out string host, out int port)
    {
        host = string.Empty;
        port = DefaultPort;
        var rest = entry;
        var schemeEnd = rest.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd >= 0)
        {
            var scheme = rest[..schemeEnd];
            if (!scheme.Equals("http", StringComparison.OrdinalIgnoreCase) && !scheme.Equals("https", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            rest = rest[(schemeEnd + 3)..].TrimEnd('/');
        }

        string portText;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            host = rest[1..close];
            portText = rest[(close + 1)..];
            if (portText.Length > 0 && !portText.StartsWith(':'))
            {
                return false;
            }

            portText = portText.TrimStart(':');
        }
        else
        {
            var colon = rest.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0 && rest.IndexOf(':', colon + 1) >= 0)
            {
                return false; // an IPv6 literal must be bracketed
            }

            host = colon < 0 ? rest : rest[..colon];
            portText = colon < 0 ? string.Empty : rest[(colon + 1)..];
        }

        if (host.Length == 0 || host.AsSpan().IndexOfAny(" /?#@") >= 0)
        {
            return false;
        }

        if (portText.Length > 0
            && !(int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and <= 65535))
        {
            return false;
        }

        return true;
    }
}
