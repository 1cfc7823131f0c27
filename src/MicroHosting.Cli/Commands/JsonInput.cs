using System.Text.Json;

namespace MicroHosting.Cli.Commands;

/// <summary>Request JSON from the command line (<c>-</c> reads standard input); bad JSON is a usage error, not a crash.</summary>
internal static class JsonInput
{
    public static bool TryParse(string? text, TextWriter error, out JsonElement value)
    {
        text ??= "{}";
        if (text == "-")
        {
            text = Console.In.ReadToEnd();
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            value = document.RootElement.Clone();
            return true;
        }
        catch (JsonException ex)
        {
            error.WriteLine($"error: the request is not valid JSON ({ex.Message}): {text}");
            value = default;
            return false;
        }
    }
}
