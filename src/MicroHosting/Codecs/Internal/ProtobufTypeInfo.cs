using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace MicroHosting.Codecs.Internal;

/// <summary>Per-type protobuf facts, looked up once per type rather than per message.</summary>
internal static class ProtobufTypeInfo<T>
{
    public static readonly bool IsMessage = typeof(IMessage).IsAssignableFrom(typeof(T));

    public static readonly MessageDescriptor? Descriptor = IsMessage ? Lookup(typeof(T)) : null;

    public static readonly MessageParser? Parser = Descriptor?.Parser;

    /// <summary>Reads a generated message's static <c>Descriptor</c> property.</summary>
    /// <remarks>
    /// Safe under trimming: protoc's C# output passes every message type to <c>GeneratedClrTypeInfo</c>, whose type
    /// parameter is annotated to keep the type's public properties, so a message in use keeps its static <c>Descriptor</c>.
    /// </remarks>
    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "Generated protobuf messages keep their public properties (GeneratedClrTypeInfo's annotation).")]
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Generated protobuf messages keep their public properties (GeneratedClrTypeInfo's annotation).")]
    public static MessageDescriptor? Lookup(Type messageType)
        => messageType.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as MessageDescriptor;
}
