using System.Text.Json.Serialization;

namespace MicroHosting.Registry.Mdns.Internal;

[JsonSerializable(typeof(MdnsTxtPayload))]
internal sealed partial class MdnsJsonContext : JsonSerializerContext;
