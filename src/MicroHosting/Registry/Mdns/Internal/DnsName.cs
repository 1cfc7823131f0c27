using System.Text;

namespace MicroHosting.Registry.Mdns.Internal;

/// <summary>
/// Domain names as dotted text with a trailing dot (<c>greeter.local.</c>). A dot or backslash inside a label is
/// escaped with a backslash. Names compare ASCII case-insensitively (RFC 1035 section 2.3.3).
/// </summary>
internal static class DnsName
{
    public const int MaxLabelLength = 63;
    public const int MaxNameLength = 255;

    public static bool Equals(string a, string b) => string.Equals(Normalize(a), Normalize(b), StringComparison.OrdinalIgnoreCase);

    /// <summary>Adds the trailing dot when missing.</summary>
    public static string Normalize(string name) => name.EndsWith('.') && !name.EndsWith("\\.", StringComparison.Ordinal) ? name : name + ".";

    /// <summary>A key for dictionaries: normalized and lower-cased (ASCII only, like DNS).</summary>
    public static string Key(string name) => Normalize(name).ToLowerInvariant();

    /// <summary>Splits a name into its labels, undoing the escapes.</summary>
    public static List<string> Labels(string name)
    {
        var labels = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c == '\\' && i + 1 < name.Length)
            {
                current.Append(name[++i]);
            }
            else if (c == '.')
            {
                if (current.Length == 0)
                {
                    if (i == name.Length - 1 && labels.Count == 0 && name.Length == 1)
                    {
                        break; // the root name "."
                    }

                    throw new DnsFormatException($"The name '{name}' has an empty label.");
                }

                labels.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        if (current.Length > 0)
        {
            labels.Add(current.ToString());
        }

        return labels;
    }

    /// <summary>Escapes a label read from the wire for the dotted form.</summary>
    public static string Escape(string label)
        => label.AsSpan().IndexOfAny('.', '\\') < 0 ? label : label.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(".", "\\.", StringComparison.Ordinal);

    /// <summary>Checks that <paramref name="name"/> can be written: labels of 1-63 bytes, at most 255 bytes in all.</summary>
    public static void Validate(string name)
    {
        var total = 1;
        foreach (var label in Labels(name))
        {
            var length = Encoding.UTF8.GetByteCount(label);
            if (length > MaxLabelLength)
            {
                throw new DnsFormatException($"The label '{label}' of '{name}' is {length} bytes; DNS allows at most {MaxLabelLength}.");
            }

            total += length + 1;
        }

        if (total > MaxNameLength)
        {
            throw new DnsFormatException($"The name '{name}' is {total} bytes; DNS allows at most {MaxNameLength}.");
        }
    }
}
