using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using MicroHosting.Registry;

namespace MicroHosting.Server.Internal;

/// <summary>
/// Describes request and response types for the registry the way Go Micro does: the type name, then its fields
/// with Go-style type names, to depth 3. Protobuf messages are described from their descriptors (proto field names).
/// Plain .NET types are described from their public properties by reflection: the description is informational (Go
/// Micro's registry shows it, nothing calls by it), so under trimming a property the trimmer removed is left out of it.
/// </summary>
[UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "An informational description; trimmed properties are left out (see summary).")]
[UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "An informational description; trimmed properties are left out (see summary).")]
internal static class MicroValueDescriber
{
    private const int MaxDepth = 3;

    public static MicroValue Describe(Type type)
    {
        var name = TypeName(type);
        return new MicroValue { Name = name, Type = name, Values = Fields(type, 1) };
    }

    private static List<MicroValue>? Fields(Type type, int depth)
    {
        if (depth > MaxDepth || IsScalar(type))
        {
            return null;
        }

        if (typeof(IMessage).IsAssignableFrom(type))
        {
            var descriptor = Codecs.Internal.ProtobufTypeInfo<object>.Lookup(type);
            return descriptor is null ? null : [.. descriptor.Fields.InDeclarationOrder().Select(f => Describe(f, depth))];
        }

        if (ElementType(type) is not null)
        {
            return null;
        }

        var fields = new List<MicroValue>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.GetMethod is null)
            {
                continue;
            }

            var fieldType = property.PropertyType;
            var element = ElementType(fieldType);
            fields.Add(new MicroValue
            {
                Name = JsonNamingPolicy.CamelCase.ConvertName(property.Name),
                Type = TypeName(fieldType),
                Values = Fields(element ?? fieldType, depth + 1),
            });
        }

        return fields.Count == 0 ? null : fields;
    }

    private static MicroValue Describe(FieldDescriptor field, int depth)
    {
        var type = field.FieldType switch
        {
            FieldType.String => "string",
            FieldType.Bool => "bool",
            FieldType.Bytes => "[]byte",
            FieldType.Double => "float64",
            FieldType.Float => "float32",
            FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => "int32",
            FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => "int64",
            FieldType.UInt32 or FieldType.Fixed32 => "uint32",
            FieldType.UInt64 or FieldType.Fixed64 => "uint64",
            FieldType.Enum => field.EnumType.Name,
            _ => field.MessageType.Name,
        };
        List<MicroValue>? values = null;
        if (field.FieldType is FieldType.Message or FieldType.Group && depth < MaxDepth && !field.IsMap)
        {
            values = [.. field.MessageType.Fields.InDeclarationOrder().Select(f => Describe(f, depth + 1))];
        }

        return new MicroValue { Name = field.Name, Type = field.IsRepeated && !field.IsMap ? "[]" + type : type, Values = values };
    }

    private static bool IsScalar(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(DateTime)
            || type == typeof(DateTimeOffset) || type == typeof(TimeSpan) || type == typeof(Guid) || type == typeof(byte[])
            || type == typeof(ReadOnlyMemory<byte>) || type == typeof(Memory<byte>) || type == typeof(object);
    }

    private static Type? ElementType(Type type)
    {
        if (type == typeof(string) || type == typeof(byte[]))
        {
            return null;
        }

        if (type.IsArray)
        {
            return type.GetElementType();
        }

        var enumerable = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return enumerable is null || !typeof(IEnumerable).IsAssignableFrom(type) ? null : enumerable.GetGenericArguments()[0];
    }

    private static string TypeName(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(string))
        {
            return "string";
        }

        if (underlying == typeof(byte[]) || underlying == typeof(ReadOnlyMemory<byte>) || underlying == typeof(Memory<byte>))
        {
            return "[]byte";
        }

        var scalar = Type.GetTypeCode(underlying) switch
        {
            TypeCode.Boolean => "bool",
            TypeCode.Byte => "uint8",
            TypeCode.SByte => "int8",
            TypeCode.Int16 => "int16",
            TypeCode.UInt16 => "uint16",
            TypeCode.Int32 => "int32",
            TypeCode.UInt32 => "uint32",
            TypeCode.Int64 => "int64",
            TypeCode.UInt64 => "uint64",
            TypeCode.Single => "float32",
            TypeCode.Double => "float64",
            TypeCode.Decimal => "float64",
            _ => null,
        };
        if (scalar is not null && !underlying.IsEnum)
        {
            return scalar;
        }

        if (underlying.IsGenericType && underlying.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            var args = underlying.GetGenericArguments();
            return $"map[{TypeName(args[0])}]{TypeName(args[1])}";
        }

        if (ElementType(underlying) is { } element)
        {
            return "[]" + TypeName(element);
        }

        var name = underlying.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return tick < 0 ? name : name[..tick];
    }
}
