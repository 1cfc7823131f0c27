using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace MicroHosting.Broker.Nats.Internal;

/// <summary>Consumer names and subject matching for the JetStream broker.</summary>
internal static class JetStreamNames
{
    /// <summary>
    /// The durable consumer of a subscription: <c>&lt;queue&gt;_&lt;topic&gt;</c> for a queue group (shared by its members),
    /// <c>&lt;instance&gt;_&lt;topic&gt;</c> for a broadcast subscription. Characters JetStream does not allow in names
    /// (<c>. * &gt;</c>, slashes, white space) become <c>_</c>, with a hash of the original so <c>a.b</c> and <c>a_b</c> differ.
    /// </summary>
    public static string Consumer(string topic, string? queue, string instance)
    {
        var raw = $"{queue ?? instance}_{topic}";
        var builder = new StringBuilder(raw.Length);
        var changed = false;
        foreach (var c in raw)
        {
            var bad = c is '.' or '*' or '>' or '/' or '\\' || char.IsWhiteSpace(c) || char.IsControl(c);
            builder.Append(bad ? '_' : c);
            changed |= bad;
        }

        if (builder.Length > 200)
        {
            builder.Length = 200;
            changed = true;
        }

        if (changed)
        {
            var hash = BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(raw)));
            builder.Append('_').Append(hash.ToString("x8", System.Globalization.CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }

    /// <summary>Whether the stream subject <paramref name="filter"/> (wildcards allowed) stores every subject of <paramref name="subject"/>.</summary>
    public static bool Covers(string filter, string subject)
    {
        var f = filter.Split('.');
        var s = subject.Split('.');
        for (var i = 0; i < f.Length; i++)
        {
            if (f[i] == ">")
            {
                return s.Length > i;
            }

            if (i >= s.Length || s[i] == ">" || (f[i] != "*" && (s[i] == "*" || f[i] != s[i])))
            {
                return false;
            }
        }

        return f.Length == s.Length;
    }
}
