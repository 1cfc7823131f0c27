using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace MicroHosting.Codecs.Internal;

/// <summary>Per-type protobuf facts, looked up once per type rather than per message.</summary>
internal static class ProtobufTypeInfo<T>
{
    public static readonly bool IsMessage = typeof(IMessage).IsAssignableFrom(typeof(T));

    public static readonly MessageParser? Parser = IsMessage ? Lookup<MessageParser>("Parser") : null;

    public static readonly MessageDescriptor? Descriptor = IsMessage ? Lookup<MessageDescriptor>("Descriptor") : null;

    private static TValue? Lookup<TValue>(string property)
        where TValue : class
        => typeof(T).GetProperty(property, BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as TValue;
}
