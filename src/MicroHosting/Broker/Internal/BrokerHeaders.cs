using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace MicroHosting.Broker.Internal;

/// <summary>
/// The headers of a <see cref="BrokerMessage"/>: a read-only map over one array, searched in order with ordinal keys.
/// A message carries a handful of headers, for which this is one array and one object where a dictionary is four
/// allocations (object, buckets, entries, and its enumerator boxed behind the interface), and a scan of a few keys is as
/// fast as hashing. A message makes it on first use of <see cref="BrokerMessage.Headers"/>; the brokers' per-message paths
/// use the array alone.
/// </summary>
internal sealed class BrokerHeaders : IReadOnlyDictionary<string, string>
{
    public static readonly BrokerHeaders Empty = new([]);

    private readonly KeyValuePair<string, string>[] _items;

    /// <summary>Takes <paramref name="items"/> as they are: unique keys, and nobody else holds the array.</summary>
    private BrokerHeaders(KeyValuePair<string, string>[] items) => _items = items;

    public int Count => _items.Length;

    public IEnumerable<string> Keys => _items.Select(static item => item.Key);

    public IEnumerable<string> Values => _items.Select(static item => item.Value);

    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The message has no header '{key}'.");

    /// <summary>Copies <paramref name="headers"/> into a new array for a message; a key given twice throws, as a dictionary's does.</summary>
    public static KeyValuePair<string, string>[] Copy(IEnumerable<KeyValuePair<string, string>> headers)
    {
        var items = headers.ToArray();
        for (var i = 0; i < items.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(items[i].Key, nameof(headers));
            if (IndexOf(items.AsSpan(0, i), items[i].Key) >= 0)
            {
                throw new ArgumentException($"The header '{items[i].Key}' is given more than once.", nameof(headers));
            }
        }

        return items;
    }

    /// <summary>Takes <paramref name="items"/> without a copy or a check: the caller built it with unique keys for this message alone.</summary>
    public static BrokerHeaders Own(KeyValuePair<string, string>[] items) => items.Length == 0 ? Empty : new BrokerHeaders(items);

    public bool ContainsKey(string key) => IndexOf(_items, key ?? throw new ArgumentNullException(nameof(key))) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        var index = IndexOf(_items, key);
        if (index < 0)
        {
            value = null;
            return false;
        }

        value = _items[index].Value;
        return true;
    }

    /// <summary>The headers in order, without an enumerator allocation when called on this type.</summary>
    public ReadOnlySpan<KeyValuePair<string, string>> AsSpan() => _items;

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, string>>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Where <paramref name="key"/> (ordinal) stands in <paramref name="items"/>, or -1: the one header search of the brokers.</summary>
    internal static int IndexOf(ReadOnlySpan<KeyValuePair<string, string>> items, string key)
    {
        for (var i = 0; i < items.Length; i++)
        {
            if (string.Equals(items[i].Key, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
