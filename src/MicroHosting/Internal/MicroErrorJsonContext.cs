using System.Text.Json.Serialization;

namespace MicroHosting.Internal;

[JsonSerializable(typeof(MicroErrorWire))]
internal sealed partial class MicroErrorJsonContext : JsonSerializerContext;
