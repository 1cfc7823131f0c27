using System.Buffers.Binary;
using System.Net;
using System.Text;
using System.Text.Unicode;

namespace MicroHosting.Registry.Mdns.Internal;

/// <summary>
/// Reads DNS messages strictly: every length is checked against the bytes that remain, compression pointers must
/// point backwards (so they cannot loop), names keep to 255 bytes and labels to 63, and section counts must fit
/// in the message before anything is allocated. Any violation throws <see cref="DnsFormatException"/>.
/// </summary>
/// <remarks>
/// A well-formed question or record whose name or TXT string is not valid UTF-8 is left out of the message and
/// counted in <see cref="DnsMessage.DroppedRecords"/>: decoding it lossily (U+FFFD per bad byte) would change its
/// length and bytes, so it could neither be matched nor written back (a cached known answer that cannot be written
/// would break every later query for the name). So whatever this reader returns, <see cref="DnsWriter"/> can write.
/// </remarks>
internal ref struct DnsReader
{
    public const int MaxMessageSize = 65535;
    private const int HeaderSize = 12;
    private const int MinQuestionSize = 5;
    private const int MinRecordSize = 11;
    private const int MaxPointerJumps = 64;

    private readonly ReadOnlySpan<byte> _message;
    private int _position;
    private int _dropped;

    private DnsReader(ReadOnlySpan<byte> message)
    {
        _message = message;
        _position = 0;
    }

    public static DnsMessage Read(ReadOnlySpan<byte> message)
    {
        if (message.Length < HeaderSize)
        {
            throw new DnsFormatException($"The message is {message.Length} bytes, shorter than the 12-byte header.");
        }

        if (message.Length > MaxMessageSize)
        {
            throw new DnsFormatException($"The message is {message.Length} bytes; at most {MaxMessageSize} are accepted.");
        }

        var reader = new DnsReader(message);
        var id = reader.ReadUInt16();
        var flags = reader.ReadUInt16();
        int questions = reader.ReadUInt16(), answers = reader.ReadUInt16(), authorities = reader.ReadUInt16(), additionals = reader.ReadUInt16();
        var remaining = message.Length - HeaderSize;
        if ((long)questions * MinQuestionSize + ((long)answers + authorities + additionals) * MinRecordSize > remaining)
        {
            throw new DnsFormatException($"The header announces {questions} question(s) and {answers + authorities + additionals} record(s), more than {remaining} bytes can hold.");
        }

        var questionList = new List<DnsQuestion>(questions);
        for (var i = 0; i < questions; i++)
        {
            if (reader.ReadQuestion() is { } question)
            {
                questionList.Add(question);
            }
        }

        var result = new DnsMessage
        {
            Id = id,
            Flags = flags,
            Questions = questionList,
            Answers = reader.ReadRecords(answers),
            Authorities = reader.ReadRecords(authorities),
            Additionals = reader.ReadRecords(additionals),
        };
        result = result with { DroppedRecords = reader._dropped };
        if (reader._position != message.Length)
        {
            throw new DnsFormatException($"{message.Length - reader._position} byte(s) follow the last record.");
        }

        return result;
    }

    private List<DnsRecord> ReadRecords(int count)
    {
        var records = new List<DnsRecord>(count);
        for (var i = 0; i < count; i++)
        {
            if (ReadRecord() is { } record)
            {
                records.Add(record);
            }
        }

        return records;
    }

    private DnsQuestion? ReadQuestion()
    {
        var name = ReadName();
        var type = (DnsRecordType)ReadUInt16();
        var rawClass = ReadUInt16();
        if (name is null)
        {
            _dropped++;
            return null;
        }

        return new DnsQuestion(name, type, (rawClass & 0x8000) != 0, (ushort)(rawClass & 0x7FFF));
    }

    private DnsRecord? ReadRecord()
    {
        var owner = ReadName();
        var name = owner ?? "(not UTF-8)";
        var type = (DnsRecordType)ReadUInt16();
        var rawClass = ReadUInt16();
        var ttl = ReadUInt32();
        var length = ReadUInt16();
        var end = _position + length;
        if (end > _message.Length)
        {
            throw new DnsFormatException($"The {type} record '{name}' claims {length} data bytes; only {_message.Length - _position} remain.");
        }

        var usable = owner is not null;
        var record = new DnsRecord { Name = name, Type = type, Class = (ushort)(rawClass & 0x7FFF), CacheFlush = (rawClass & 0x8000) != 0, Ttl = ttl };
        switch (type)
        {
            case DnsRecordType.A:
            case DnsRecordType.Aaaa:
                var size = type == DnsRecordType.A ? 4 : 16;
                if (length != size)
                {
                    throw new DnsFormatException($"The {type} record '{name}' has {length} data bytes instead of {size}.");
                }

                record = record with { Address = new IPAddress(Take(size)) };
                break;
            case DnsRecordType.Ptr:
                record = record with { Target = ReadName() };
                usable &= record.Target is not null;
                break;
            case DnsRecordType.Srv:
                record = record with { Priority = ReadUInt16(), Weight = ReadUInt16(), Port = ReadUInt16(), Target = ReadName() };
                usable &= record.Target is not null;
                break;
            case DnsRecordType.Txt:
                var text = ReadText(end);
                record = record with { Text = text };
                usable &= text is not null;
                break;
            case DnsRecordType.Nsec:
                record = record with { Target = ReadName(), Types = ReadTypeBitmaps(end) };
                usable &= record.Target is not null;
                break;
            default:
                record = record with { Data = Take(length).ToArray() };
                break;
        }

        if (_position != end)
        {
            throw new DnsFormatException($"The {type} record '{name}' data is {length} bytes, but its content is {_position - (end - length)}.");
        }

        if (!usable)
        {
            _dropped++;
            return null;
        }

        return record;
    }

    /// <summary>Reads TXT strings; <see langword="null"/> (after consuming them) when one is not valid UTF-8.</summary>
    private List<string>? ReadText(int end)
    {
        var strings = new List<string>();
        var valid = true;
        while (_position < end)
        {
            var length = _message[_position++];
            if (_position + length > end)
            {
                throw new DnsFormatException("A TXT string runs past the end of its record.");
            }

            var bytes = Take(length);
            if (valid && Utf8.IsValid(bytes))
            {
                strings.Add(Encoding.UTF8.GetString(bytes));
            }
            else
            {
                valid = false;
            }
        }

        return valid ? strings : null;
    }

    private List<DnsRecordType> ReadTypeBitmaps(int end)
    {
        var types = new List<DnsRecordType>();
        var lastWindow = -1;
        while (_position < end)
        {
            if (end - _position < 2)
            {
                throw new DnsFormatException("An NSEC type bitmap is cut short.");
            }

            int window = _message[_position++], length = _message[_position++];
            if (window <= lastWindow || length is 0 or > 32 || _position + length > end)
            {
                throw new DnsFormatException("An NSEC type bitmap window is out of order, empty, longer than 32 bytes or past the record.");
            }

            lastWindow = window;
            var bits = Take(length);
            for (var i = 0; i < bits.Length; i++)
            {
                for (var bit = 0; bit < 8; bit++)
                {
                    if ((bits[i] & (0x80 >> bit)) != 0)
                    {
                        types.Add((DnsRecordType)((window << 8) | (i * 8) + bit));
                    }
                }
            }
        }

        return types;
    }

    /// <summary>
    /// Reads a name, checking its structure (any violation throws). Returns <see langword="null"/>, with the position
    /// past the name, when a label is not valid UTF-8: such a name cannot be held as text without losing its bytes.
    /// </summary>
    private string? ReadName()
    {
        var valid = true;
        var builder = new StringBuilder();
        var position = _position;
        var resumeAt = -1;
        var jumps = 0;
        var wireLength = 1;
        var lowestPointer = position;
        while (true)
        {
            if (position >= _message.Length)
            {
                throw new DnsFormatException("A name runs past the end of the message.");
            }

            var length = _message[position];
            if ((length & 0xC0) == 0xC0)
            {
                if (position + 1 >= _message.Length)
                {
                    throw new DnsFormatException("A compression pointer is cut short.");
                }

                var target = ((length & 0x3F) << 8) | _message[position + 1];
                if (target >= lowestPointer || ++jumps > MaxPointerJumps)
                {
                    throw new DnsFormatException($"A compression pointer at {position} points to {target}, which is not strictly before the name (a loop or forward reference).");
                }

                if (resumeAt < 0)
                {
                    resumeAt = position + 2;
                }

                lowestPointer = target;
                position = target;
                continue;
            }

            if ((length & 0xC0) != 0)
            {
                throw new DnsFormatException($"Label type 0x{length & 0xC0:x2} at {position} is not supported.");
            }

            position++;
            if (length == 0)
            {
                break;
            }

            if (position + length > _message.Length)
            {
                throw new DnsFormatException("A label runs past the end of the message.");
            }

            wireLength += length + 1;
            if (wireLength > DnsName.MaxNameLength)
            {
                throw new DnsFormatException($"A name is longer than {DnsName.MaxNameLength} bytes.");
            }

            var label = _message.Slice(position, length);
            if (valid && Utf8.IsValid(label))
            {
                builder.Append(DnsName.Escape(Encoding.UTF8.GetString(label))).Append('.');
            }
            else
            {
                valid = false;
            }

            position += length;
        }

        _position = resumeAt >= 0 ? resumeAt : position;
        return !valid ? null : builder.Length == 0 ? "." : builder.ToString();
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (_position + count > _message.Length)
        {
            throw new DnsFormatException("The message ends in the middle of a field.");
        }

        var span = _message.Slice(_position, count);
        _position += count;
        return span;
    }

    private ushort ReadUInt16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    private uint ReadUInt32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));
}
