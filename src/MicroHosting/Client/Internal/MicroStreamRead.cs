using System.Buffers;

namespace MicroHosting.Client.Internal;

/// <summary>What one receive on a <see cref="MicroStreamChannel"/> got.</summary>
internal readonly struct MicroStreamRead
{
    private MicroStreamRead(MicroStreamReadKind kind, ReadOnlySequence<byte> message, MicroException? error, string? text, int closedCode)
    {
        Kind = kind;
        Message = message;
        Error = error;
        Text = text;
        ClosedCode = closedCode;
    }

    public MicroStreamReadKind Kind { get; }

    /// <summary>Gets the message (<see cref="MicroStreamReadKind.Message"/>): valid until the next receive.</summary>
    public ReadOnlySequence<byte> Message { get; }

    /// <summary>Gets the node's error (<see cref="MicroStreamReadKind.Error"/>), or <see langword="null"/> when what it sent is not Go Micro's error JSON (<see cref="Text"/>).</summary>
    public MicroException? Error { get; }

    /// <summary>Gets the text of an error that is not error JSON, or why the stream closed (<see cref="MicroStreamReadKind.Closed"/>).</summary>
    public string? Text { get; }

    /// <summary>Gets the error code of an abnormal close: 503 when the node is going away, else 500.</summary>
    public int ClosedCode { get; }

    public static MicroStreamRead Received(ReadOnlySequence<byte> message) => new(MicroStreamReadKind.Message, message, null, null, 0);

    public static readonly MicroStreamRead End = new(MicroStreamReadKind.End, default, null, null, 0);

    public static MicroStreamRead Failed(MicroException? error, string? text) => new(MicroStreamReadKind.Error, default, error, text, 0);

    public static MicroStreamRead Closed(int code, string why) => new(MicroStreamReadKind.Closed, default, null, why, code);
}
