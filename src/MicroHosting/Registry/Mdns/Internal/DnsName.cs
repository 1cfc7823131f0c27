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

    public static bool Equals(string a, string b)
    {
        if (a.Length != b.Length)
        {
            return (a.Length == b.Length + 1 || b.Length == a.Length + 1) && string.Equals(Key(a), Key(b), StringComparison.Ordinal);
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] != b[i] && !(char.IsAsciiLetter(a[i]) && (a[i] | 0x20) == (b[i] | 0x20)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Adds the trailing dot when missing (a final dot escaped as <c>\.</c> belongs to the label).</summary>
    public static string Normalize(string name) => IsAbsolute(name) ? name : name + ".";

    /// <summary>A key for dictionaries: normalized, ASCII letters lower-cased (only those: DNS compares other bytes exactly).</summary>
    public static string Key(string name)
    {
        name = Normalize(name);
        return name.AsSpan().IndexOfAnyInRange('A', 'Z') < 0
            ? name
            : string.Create(name.Length, name, static (span, source) =>
            {
                for (var i = 0; i < source.Length; i++)
                {
                    span[i] = char.IsAsciiLetterUpper(source[i]) ? (char)(source[i] | 0x20) : source[i];
                }
            });
    }

    /// <summary>Whether the name ends in an unescaped dot: after an even number of backslashes.</summary>
    private static bool IsAbsolute(string name)
    {
        if (!name.EndsWith('.'))
        {
            return false;
        }

        var backslashes = 0;
        for (var i = name.Length - 2; i >= 0 && name[i] == '\\'; i--)
        {
            backslashes++;
        }

        return backslashes % 2 == 0;
    }

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
