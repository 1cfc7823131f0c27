using System.Collections.Generic;
using System.Collections.Immutable;
using System.Text;

namespace MicroHosting.Generators.Proto;

/// <summary>
/// Reads the parts of a .proto file that define a service contract: package, <c>option csharp_namespace</c>, message
/// names (nested ones included) and services with their rpcs. Everything else (fields, enums, options) is skipped:
/// protoc (Grpc.Tools) compiles the messages and reports their errors.
/// </summary>
internal sealed class ProtoParser
{
    private readonly List<ProtoToken> _tokens;
    private readonly List<string> _messages = [];
    private readonly List<ProtoService> _services = [];
    private readonly List<ProtoError> _errors = [];
    private int _position;

    private ProtoParser(string text) => _tokens = ProtoTokenizer.Tokenize(text);

    public static ProtoFile Parse(string path, string text)
    {
        var parser = new ProtoParser(text);
        var (package, csharpNamespace) = parser.ParseFile();
        return new ProtoFile(
            path,
            package,
            csharpNamespace ?? CSharpNamespaceOf(package),
            new EquatableArray<string>([.. parser._messages]),
            new EquatableArray<ProtoService>([.. parser._services]),
            new EquatableArray<ProtoError>([.. parser._errors]));
    }

    /// <summary>protoc's C# namespace for a package without <c>csharp_namespace</c>: each dotted part in PascalCase.</summary>
    public static string CSharpNamespaceOf(string package)
    {
        var parts = package.Split(['.'], System.StringSplitOptions.RemoveEmptyEntries);
        var result = new StringBuilder();
        foreach (var part in parts)
        {
            if (result.Length > 0)
            {
                result.Append('.');
            }

            var upper = true;
            foreach (var c in part)
            {
                if (c == '_')
                {
                    upper = true;
                    continue;
                }

                result.Append(upper ? char.ToUpperInvariant(c) : c);
                upper = char.IsDigit(c);
            }
        }

        return result.ToString();
    }

    private ProtoToken? Current => _position < _tokens.Count ? _tokens[_position] : null;

    private (string Package, string? CSharpNamespace) ParseFile()
    {
        var package = string.Empty;
        string? csharpNamespace = null;
        while (Current is { } token && _errors.Count == 0)
        {
            switch (token.Text)
            {
                case "syntax" or "edition" or "import":
                    SkipStatement();
                    break;
                case "package":
                    _position++;
                    package = Next()?.Text ?? string.Empty;
                    Expect(";");
                    break;
                case "option":
                    _position++;
                    var name = Next()?.Text;
                    Expect("=");
                    var value = Next();
                    if (name == "csharp_namespace" && value is { IsString: true })
                    {
                        csharpNamespace = value.Value.Text;
                    }

                    SkipStatement();
                    break;
                case "message":
                    _position++;
                    ParseMessage(package.Length == 0 ? string.Empty : package + ".");
                    break;
                case "enum" or "extend":
                    SkipStatement();
                    break;
                case "service":
                    _position++;
                    ParseService();
                    break;
                case ";":
                    _position++;
                    break;
                default:
                    Error(token, $"'{token.Text}' is not a top-level .proto statement (syntax, package, import, option, message, enum, service)");
                    break;
            }
        }

        return (package, csharpNamespace);
    }

    private void ParseMessage(string scope)
    {
        if (Next() is not { IsString: false } name)
        {
            return;
        }

        var fullName = scope + name.Text;
        _messages.Add(fullName);
        if (!Expect("{"))
        {
            return;
        }

        var depth = 1;
        while (Current is { } token && depth > 0)
        {
            if (token.Text == "message" && Peek(1) is { IsString: false } nested && Peek(2) is { Text: "{" } && nested.Text != "=")
            {
                _position++;
                ParseMessage(fullName + ".");
                continue;
            }

            depth += token.Text switch { "{" => 1, "}" => -1, _ => 0 };
            _position++;
        }
    }

    private void ParseService()
    {
        if (Next() is not { IsString: false } name || !Expect("{"))
        {
            return;
        }

        var rpcs = ImmutableArray.CreateBuilder<ProtoRpc>();
        while (Current is { } token && token.Text != "}" && _errors.Count == 0)
        {
            switch (token.Text)
            {
                case "rpc":
                    _position++;
                    if (ParseRpc() is { } rpc)
                    {
                        rpcs.Add(rpc);
                    }

                    break;
                case "option":
                    SkipStatement();
                    break;
                case ";":
                    _position++;
                    break;
                default:
                    Error(token, $"'{token.Text}' is not allowed in a service; write rpc Name(Request) returns (Reply);");
                    break;
            }
        }

        Expect("}");
        _services.Add(new ProtoService(name.Text, name.Line, name.Column, new EquatableArray<ProtoRpc>(rpcs.ToImmutable())));
    }

    private ProtoRpc? ParseRpc()
    {
        var name = Next();
        if (name is null || !Expect("("))
        {
            return null;
        }

        var (input, inputStream) = StreamAndType();
        if (input is null || !Expect(")") || !Expect("returns") || !Expect("("))
        {
            return null;
        }

        var (output, outputStream) = StreamAndType();
        if (output is null || !Expect(")"))
        {
            return null;
        }

        if (Current is { Text: "{" })
        {
            _position++;
            SkipBlock();
        }
        else
        {
            Expect(";");
        }

        return new ProtoRpc(name.Value.Text, input, inputStream, output, outputStream, name.Value.Line, name.Value.Column);
    }

    private (string? Type, bool Stream) StreamAndType()
    {
        var stream = Current is { Text: "stream" } && Peek(1) is { Text: not ")" };
        if (stream)
        {
            _position++;
        }

        return Next() is { IsString: false } type && type.Text != ")" ? (type.Text, stream) : (null, stream);
    }

    private ProtoToken? Next()
    {
        var token = Current;
        if (token is null)
        {
            Error(_tokens.Count > 0 ? _tokens[_tokens.Count - 1] : default, "the file ends in the middle of a statement");
            return null;
        }

        _position++;
        return token;
    }

    private ProtoToken? Peek(int ahead) => _position + ahead < _tokens.Count ? _tokens[_position + ahead] : null;

    private bool Expect(string text)
    {
        if (Current is { } token && token.Text == text && !token.IsString)
        {
            _position++;
            return true;
        }

        Error(Current ?? (_tokens.Count > 0 ? _tokens[_tokens.Count - 1] : default), $"expected '{text}' but found {(Current is { } found ? $"'{found.Text}'" : "the end of the file")}");
        return false;
    }

    /// <summary>Skips to the end of a statement: past its ';', or past its block when it has one.</summary>
    private void SkipStatement()
    {
        while (Current is { } token)
        {
            _position++;
            if (token.Text == ";")
            {
                return;
            }

            if (token.Text == "{")
            {
                SkipBlock();
                return;
            }
        }
    }

    /// <summary>Skips past the '}' that closes a block whose '{' was just read.</summary>
    private void SkipBlock()
    {
        var depth = 1;
        while (Current is { } token && depth > 0)
        {
            depth += token.Text switch { "{" => 1, "}" => -1, _ => 0 };
            _position++;
        }
    }

    private void Error(ProtoToken at, string message)
    {
        if (_errors.Count > 0)
        {
            return;
        }

        _errors.Add(new ProtoError(message, at.Line, at.Column));
        _position = _tokens.Count; // one error per file: what follows would only echo it
    }
}
