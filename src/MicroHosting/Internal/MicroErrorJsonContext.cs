using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MicroHosting.Internal;

[JsonSerializable(typeof(MicroErrorWire))]
internal sealed partial class MicroErrorJsonContext : JsonSerializerContext
{
    // Escapes everything outside ASCII, so the JSON is also a valid HTTP header value (Micro-Error).
    public static MicroErrorJsonContext Wire { get; } = new(new JsonSerializerOptions { Encoder = JavaScriptEncoder.Default });
}
