namespace MicroHosting.Generators;

/// <summary>
/// One handler method to compile a call for: its metadata name and parameter types (how the runtime finds it), the
/// registration to call (<c>Unary</c>, <c>ServerStream</c>, ...) and the expression that calls it on <c>h</c>.
/// </summary>
internal sealed record HandlerBinding(
    string Registration,
    string MetadataName,
    string RequestType,
    string ResponseType,
    EquatableArray<string> ParameterTypes,
    string Call);
