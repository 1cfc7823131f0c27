using System.Globalization;

namespace MicroHosting.Internal;

/// <summary>The <c>grpc-timeout</c> header: at most 8 digits and a unit (<c>H</c>, <c>M</c>, <c>S</c>, <c>m</c>, <c>u</c>, <c>n</c>).</summary>
internal static class GrpcTimeout
{
    public const string Header = "grpc-timeout";
    private const long MaxValue = 99_999_999;

    /// <summary>The units above nanoseconds, in ticks (100 ns) each.</summary>
    private static readonly (long PerUnit, char Unit)[] Units =
        [(10, 'u'), (TimeSpan.TicksPerMillisecond, 'm'), (TimeSpan.TicksPerSecond, 'S'), (TimeSpan.TicksPerMinute, 'M'), (TimeSpan.TicksPerHour, 'H')];

    public static bool TryParse(string? text, out TimeSpan timeout)
    {
        timeout = default;
        if (text is not { Length: >= 2 and <= 9 }
            || !long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        // Ticks are 100 ns; the largest value of each unit fits a TimeSpan.
        long? ticks = text[^1] switch
        {
            'H' => value * TimeSpan.TicksPerHour,
            'M' => value * TimeSpan.TicksPerMinute,
            'S' => value * TimeSpan.TicksPerSecond,
            'm' => value * TimeSpan.TicksPerMillisecond,
            'u' => value * 10,
            'n' => value / 100,
            _ => null,
        };
        if (ticks is null)
        {
            return false;
        }

        timeout = TimeSpan.FromTicks(ticks.Value);
        return true;
    }

    /// <summary>
    /// Formats a positive budget in the finest unit that fits 8 digits. Rounded up (the default: what the gRPC wire
    /// sends, so the callee never gets less), or, with <paramref name="roundUp"/> <see langword="false"/>, rounded down
    /// to at least 1 of the unit, so the callee never gets more than the caller has left (what the native wire sends).
    /// One string: the value is written straight into it.
    /// </summary>
    public static string Format(TimeSpan timeout, bool roundUp = true)
    {
        var ticks = Math.Max(timeout.Ticks, 1);
        long value;
        var unit = 'n';
        if (ticks <= MaxValue / 100)
        {
            value = ticks * 100;
        }
        else
        {
            value = MaxValue;
            unit = 'H';
            foreach (var (perUnit, name) in Units)
            {
                var inUnit = roundUp ? (ticks + perUnit - 1) / perUnit : Math.Max(ticks / perUnit, 1);
                if (inUnit <= MaxValue)
                {
                    (value, unit) = (inUnit, name);
                    break;
                }
            }
        }

        Span<char> text = stackalloc char[9];
        value.TryFormat(text, out var digits, provider: CultureInfo.InvariantCulture);
        text[digits] = unit;
        return new string(text[..(digits + 1)]);
    }
}
