using System.Buffers;
using System.Text.Json;

namespace MicroHosting.Codecs.Internal;

/// <summary>Reuses one <see cref="Utf8JsonWriter"/> per thread so encoding a message allocates no writer.</summary>
internal static class Utf8JsonWriterCache
{
    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    public static Lease Rent(IBufferWriter<byte> output, JsonWriterOptions options)
    {
        var writer = t_writer;
        if (writer is null || writer.Options.Indented != options.Indented || writer.Options.Encoder != options.Encoder)
        {
            writer = new Utf8JsonWriter(output, options);
        }
        else
        {
            t_writer = null;
            writer.Reset(output);
        }

        return new Lease(writer);
    }

    public readonly struct Lease(Utf8JsonWriter writer) : IDisposable
    {
        public Utf8JsonWriter Writer => writer;

        public void Dispose()
        {
            writer.Flush();
            writer.Reset();
            t_writer = writer;
        }
    }
}
