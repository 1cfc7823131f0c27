using System.Globalization;

namespace MicroHosting.Benchmarks.Targets;

/// <summary>A stream that ended early is a failed call, not a fast one.</summary>
internal static class StreamCheck
{
    public static void All(int received, int expected)
    {
        if (received != expected)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"The stream ended after {received} of {expected} messages."));
        }
    }
}
