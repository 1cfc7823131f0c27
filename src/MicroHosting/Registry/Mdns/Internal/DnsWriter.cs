using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace MicroHosting.Registry.Mdns.Internal;

/// <summary>Writes DNS messages with name compression (RFC 1035 section 4.1.4). Names and TXT strings that break a limit throw <see cref="DnsFormatException"/>.</summary>
internal sealed class DnsWriter
{
    private readonly Dictionary<string, int> _names = new(StringComparer.Ordinal); // exact: compression must not change a name's case
    private byte[] _buffer = new byte[512];
    private int _length;

    public static byte[] Write(DnsMessage message)
    {
        var writer = new DnsWriter();
        writer.WriteMessage(message);
        return writer._buffer.AsSpan(0, writer._length).ToArray();
    }

    private void WriteMessage(DnsMessage message)
    {
        WriteUInt16(message.Id);
        WriteUInt16(message.Flags);
        WriteUInt16(checked((ushort)message.Questions.Count));
        WriteUInt16(checked((ushort)message.Answers.Count));
        WriteUInt16(checked((ushort)message.Authorities.Count));
        WriteUInt16(checked((ushort)message.Additionals.Count));
        foreach (var question in message.Questions)
        {
            WriteName(question.Name);
            WriteUInt16((ushort)question.Type);
            WriteUInt16((ushort)(question.Class | (question.UnicastResponse ? 0x8000 : 0)));
        }

        foreach (var record in message.Answers.Concat(message.Authorities).Concat(message.Additionals))
        {
            WriteRecord(record);
        }
    }

    private void WriteRecord(DnsRecord record)
    {
        WriteName(record.Name);
        WriteUInt16((ushort)record.Type);
        WriteUInt16((ushort)(record.Class | (record.CacheFlush ? 0x8000 : 0)));
        WriteUInt32(record.Ttl);
        var lengthAt = _length;
        WriteUInt16(0);
        switch (record.Type)
        {
            case DnsRecordType.A or DnsRecordType.Aaaa:
                var address = record.Address ?? throw new DnsFormatException($"The {record.Type} record '{record.Name}' has no address.");
                if ((address.AddressFamily == AddressFamily.InterNetworkV6) != (record.Type == DnsRecordType.Aaaa))
                {
                    throw new DnsFormatException($"The {record.Type} record '{record.Name}' holds the wrong address family ({address}).");
                }

                var bytes = address.GetAddressBytes();
                bytes.CopyTo(Grow(bytes.Length));
                break;
            case DnsRecordType.Ptr:
                WriteName(Require(record.Target, record));
                break;
            case DnsRecordType.Srv:
                WriteUInt16(record.Priority);
                WriteUInt16(record.Weight);
                WriteUInt16(record.Port);
                WriteName(Require(record.Target, record));
                break;
            case DnsRecordType.Txt:
                WriteText(record);
                break;
            case DnsRecordType.Nsec:
                WriteName(Require(record.Target, record), compress: false);
                WriteTypeBitmaps(record.Types ?? []);
                break;
            default:
                record.Data.Span.CopyTo(Grow(record.Data.Length));
                break;
        }

        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(lengthAt), checked((ushort)(_length - lengthAt - 2)));
    }

    private void WriteText(DnsRecord record)
    {
        var strings = record.Text ?? [];
        if (strings.Count == 0)
        {
            Grow(1)[0] = 0; // RFC 6763 section 6.1: an empty TXT record holds one empty string
            return;
        }

        foreach (var text in strings)
        {
            var length = Encoding.UTF8.GetByteCount(text);
            if (length > 255)
            {
                throw new DnsFormatException($"A TXT string of '{record.Name}' is {length} bytes; DNS allows at most 255.");
            }

            var span = Grow(length + 1);
            span[0] = (byte)length;
            Encoding.UTF8.GetBytes(text, span[1..]);
        }
    }

    private void WriteTypeBitmaps(IReadOnlyList<DnsRecordType> types)
    {
        foreach (var window in types.Select(t => (ushort)t).Distinct().Order().GroupBy(t => t >> 8))
        {
            var bits = new byte[32];
            var used = 0;
            foreach (var type in window)
            {
                var low = type & 0xFF;
                bits[low / 8] |= (byte)(0x80 >> (low % 8));
                used = Math.Max(used, (low / 8) + 1);
            }

            var span = Grow(used + 2);
            span[0] = (byte)window.Key;
            span[1] = (byte)used;
            bits.AsSpan(0, used).CopyTo(span[2..]);
        }
    }

    private void WriteName(string name, bool compress = true)
    {
        DnsName.Validate(name);
        var labels = DnsName.Labels(name);
        for (var i = 0; i < labels.Count; i++)
        {
            var suffix = string.Join('.', labels.Skip(i).Select(DnsName.Escape));
            if (compress && _names.TryGetValue(suffix, out var offset))
            {
                WriteUInt16((ushort)(0xC000 | offset));
                return;
            }

            if (_length < 0x3FFF)
            {
                _names.TryAdd(suffix, _length);
            }

            var length = Encoding.UTF8.GetByteCount(labels[i]);
            var span = Grow(length + 1);
            span[0] = (byte)length;
            Encoding.UTF8.GetBytes(labels[i], span[1..]);
        }

        Grow(1)[0] = 0;
    }

    private static string Require(string? value, DnsRecord record)
        => value ?? throw new DnsFormatException($"The {record.Type} record '{record.Name}' has no target name.");

    private Span<byte> Grow(int count)
    {
        if (_length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        }

        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }

    private void WriteUInt16(ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Grow(2), value);

    private void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Grow(4), value);
}
