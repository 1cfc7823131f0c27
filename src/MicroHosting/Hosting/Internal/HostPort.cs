using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace MicroHosting.Hosting.Internal;

/// <summary>A Go Micro style <c>host:port</c> (<c>:8080</c>, <c>127.0.0.1:0</c>, <c>[::1]:8080</c>, <c>localhost:8080</c>).</summary>
internal readonly record struct HostPort(string Host, int Port)
{
    public static bool TryParse(string? value, [NotNullWhen(true)] out HostPort? result)
    {
        result = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        value = value.Trim();
        var colon = value.LastIndexOf(':');
        if (colon < 0)
        {
            return false;
        }

        var host = value[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        else if (host.Contains(':', StringComparison.Ordinal))
        {
            return false; // an IPv6 literal must be bracketed
        }

        if (!int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            return false;
        }

        result = new HostPort(host, port);
        return true;
    }
}
