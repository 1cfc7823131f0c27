using System.Globalization;

namespace MicroHosting.Internal;

/// <summary>The <c>grpc-timeout</c> header: at most 8 digits and a unit (<c>H</c>, <c>M</c>, <c>S</c>, <c>m</c>, <c>u</c>, <c>n</c>).</summary>
internal static class GrpcTimeout
{
    public const string Header = "grpc-timeout";
    private const long MaxValue = 99_999_999;

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

    /// <summary>Formats a positive budget in the finest unit that fits 8 digits, rounded up so the callee never gets less.</summary>
    public static string Format(TimeSpan timeout)
    {
        var ticks = Math.Max(timeout.Ticks, 1);
        (long PerUnit, char Unit)[] units = [(0, 'n'), (10, 'u'), (TimeSpan.TicksPerMillisecond, 'm'), (TimeSpan.TicksPerSecond, 'S'), (TimeSpan.TicksPerMinute, 'M'), (TimeSpan.TicksPerHour, 'H')];
        if (ticks <= MaxValue / 100)
        {
            return (ticks * 100).ToString(CultureInfo.InvariantCulture) + "n";
        }

        for (var i = 1; i < units.Length; i++)
        {
            var (perUnit, unit) = units[i];
            var value = (ticks + perUnit - 1) / perUnit;
            if (value <= MaxValue)
            {
                return value.ToString(CultureInfo.InvariantCulture) + unit;
            }
        }

        return MaxValue.ToString(CultureInfo.InvariantCulture) + "H";
    }
}
