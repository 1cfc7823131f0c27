namespace MicroHosting.Generators.Proto;

/// <summary>One token of a .proto file: an identifier (dots included), a string literal's content, a number or a symbol.</summary>
internal readonly record struct ProtoToken(string Text, bool IsString, int Offset, int Line, int Column);
