using MicroHosting.Internal;

namespace MicroHosting.Tests.Internal;

public sealed class GrpcTimeoutTests
{
    [Theory]
    [InlineData("1H", 36_000_000_000L)]
    [InlineData("2M", 1_200_000_000L)]
    [InlineData("5S", 50_000_000L)]
    [InlineData("250m", 2_500_000L)]
    [InlineData("4999972u", 49_999_720L)]
    [InlineData("1500n", 15L)]
    [InlineData("99999999H", 99_999_999L * 36_000_000_000L)]
    [InlineData("0m", 0L)]
    public void TryParse_DigitsAndUnit_Budget(string text, long ticks)
    {
        Assert.True(GrpcTimeout.TryParse(text, out var timeout));
        Assert.Equal(ticks, timeout.Ticks);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("S")]
    [InlineData("5s")]
    [InlineData("123456789S")]
    [InlineData("-5S")]
    [InlineData("5 S")]
    [InlineData("5000000000")]
    public void TryParse_Malformed_False(string? text)
        => Assert.False(GrpcTimeout.TryParse(text, out _));

    [Theory]
    [InlineData(15L, "1500n")]
    [InlineData(999_999L, "99999900n")]
    [InlineData(1_000_000L, "100000u")]
    [InlineData(50_000_000L, "5000000u")]
    [InlineData(1_000_000_000L, "100000m")]
    public void Format_FinestUnitWithinEightDigits(long ticks, string expected)
    {
        var text = GrpcTimeout.Format(TimeSpan.FromTicks(ticks));

        Assert.Equal(expected, text);
        Assert.True(GrpcTimeout.TryParse(text, out var back));
        Assert.Equal(ticks, back.Ticks);
    }

    [Fact]
    public void Format_OddTicks_RoundedUpNeverShorter()
    {
        var text = GrpcTimeout.Format(TimeSpan.FromTicks(1_000_000_001)); // 100.0000001 s

        Assert.Equal("100001m", text);
    }

    [Theory]
    [InlineData(0L, "100n")] // at least 1 of the unit
    [InlineData(15L, "1500n")]
    [InlineData(999_999L, "99999900n")]
    [InlineData(50_000_009L, "5000000u")] // 5.0000009 s: the 0.9 us is dropped, not rounded up
    [InlineData(999_999_999L, "99999999u")]
    [InlineData(1_000_000_001L, "100000m")]
    [InlineData(long.MaxValue, "99999999H")] // past 8 digits of hours: the largest there is
    public void Format_RoundDown_NeverLongerThanTheBudget(long ticks, string expected)
    {
        var text = GrpcTimeout.Format(TimeSpan.FromTicks(ticks), roundUp: false);

        Assert.Equal(expected, text);
        Assert.True(GrpcTimeout.TryParse(text, out var back));
        Assert.True(back.Ticks <= Math.Max(ticks, 1));
    }
}
