using System.Text.Json.Serialization;

namespace MicroHosting.Registry.Etcd.Internal;

[JsonSerializable(typeof(EtcdServiceWire))]
internal sealed partial class EtcdJsonContext : JsonSerializerContext;
