using System.Collections.Generic;
using System.Text;

namespace MicroHosting.Generators.Proto;

/// <summary>Splits a .proto file into tokens, dropping whitespace and comments.</summary>
internal static class ProtoTokenizer
{
    public static List<ProtoToken> Tokenize(string text)
    {
        var tokens = new List<ProtoToken>();
        int i = 0, line = 0, lineStart = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\n')
            {
                i++;
                line++;
                lineStart = i;
            }
            else if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                while (i < text.Length && text[i] != '\n')
                {
                    i++;
                }
            }
            else if (c == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                i += 2;
                while (i < text.Length && !(text[i] == '*' && i + 1 < text.Length && text[i + 1] == '/'))
                {
                    if (text[i] == '\n')
                    {
                        line++;
                        lineStart = i + 1;
                    }

                    i++;
                }

                i += 2;
            }
            else if (c is '"' or '\'')
            {
                var start = i;
                var value = new StringBuilder();
                i++;
                while (i < text.Length && text[i] != c && text[i] != '\n')
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        i++;
                    }

                    value.Append(text[i]);
                    i++;
                }

                i++;
                tokens.Add(new ProtoToken(value.ToString(), true, start, line, start - lineStart));
            }
            else if (char.IsLetterOrDigit(c) || c is '_' or '.')
            {
                var start = i;
                do
                {
                    i++;
                }
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '.'));

                tokens.Add(new ProtoToken(text.Substring(start, i - start), false, start, line, start - lineStart));
            }
            else
            {
                tokens.Add(new ProtoToken(c.ToString(), false, i, line, i - lineStart));
                i++;
            }
        }

        return tokens;
    }
}
