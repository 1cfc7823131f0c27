namespace MicroHosting.Registry.Mdns.Internal;

/// <summary>A DNS message (RFC 1035 section 4.1). <see cref="Flags"/> holds the header's second 16-bit word.</summary>
internal sealed record DnsMessage
{
    public const ushort ResponseFlag = 0x8000;
    public const ushort AuthoritativeFlag = 0x0400;
    public const ushort TruncatedFlag = 0x0200;

    public ushort Id { get; init; }

    public ushort Flags { get; init; }

    public IReadOnlyList<DnsQuestion> Questions { get; init; } = [];

    public IReadOnlyList<DnsRecord> Answers { get; init; } = [];

    public IReadOnlyList<DnsRecord> Authorities { get; init; } = [];

    public IReadOnlyList<DnsRecord> Additionals { get; init; } = [];

    /// <summary>Gets how many well-formed questions and records <see cref="DnsReader"/> left out because a name or TXT string was not valid UTF-8.</summary>
    public int DroppedRecords { get; init; }

    public bool IsResponse => (Flags & ResponseFlag) != 0;

    public bool IsTruncated => (Flags & TruncatedFlag) != 0;

    /// <summary>Gets the OPCODE; mDNS ignores messages whose opcode is not 0 (RFC 6762 section 18.3).</summary>
    public int Opcode => (Flags >> 11) & 0xF;

    /// <summary>Gets the RCODE; mDNS ignores messages whose rcode is not 0 (RFC 6762 section 18.11).</summary>
    public int ResponseCode => Flags & 0xF;
}
