using System.Globalization;

namespace MicroHosting.Client.Internal;

/// <summary>Parses Go's duration text (<c>5s</c>, <c>500ms</c>, <c>1m30s</c>, <c>1.5h</c>), as Go Micro's flags take it.</summary>
internal static class GoDuration
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var span = text.AsSpan().Trim();
        if (span is "0")
        {
            return true;
        }

        double ticks = 0;
        while (!span.IsEmpty)
        {
            var numberEnd = 0;
            while (numberEnd < span.Length && (char.IsAsciiDigit(span[numberEnd]) || span[numberEnd] == '.'))
            {
                numberEnd++;
            }

            var unitEnd = numberEnd;
            while (unitEnd < span.Length && !char.IsAsciiDigit(span[unitEnd]) && span[unitEnd] != '.')
            {
                unitEnd++;
            }

            if (numberEnd == 0 || !double.TryParse(span[..numberEnd], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            double? unit = span[numberEnd..unitEnd] switch
            {
                "ns" => 0.01,
                "us" or "µs" => 10,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                "h" => TimeSpan.TicksPerHour,
                _ => null,
            };
            if (unit is null)
            {
                return false;
            }

            ticks += number * unit.Value;
            span = span[unitEnd..];
        }

        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        value = TimeSpan.FromTicks((long)ticks);
        return true;
    }
}
