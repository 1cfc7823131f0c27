using System.Net;
using System.Net.Sockets;
using MicroHosting.Client.Internal;
using Microsoft.Extensions.Time.Testing;

namespace MicroHosting.Tests.Client.Internal;

public sealed class MicroRetryPredicateTests
{
    [Theory]
    [InlineData(503, false, true)]
    [InlineData(503, true, true)]
    [InlineData(500, false, false)]
    [InlineData(500, true, true)]
    [InlineData(502, false, false)]
    [InlineData(504, true, true)]
    [InlineData(408, false, false)]
    [InlineData(408, true, true)]
    [InlineData(400, true, false)]
    [InlineData(429, true, false)]
    public void IsRetryable_Status_OnlyUnavailableUnlessIdempotent(int status, bool idempotent, bool expected)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)status);

        Assert.Equal(expected, MicroRetryPredicate.IsRetryable(response, idempotent));
    }

    [Theory]
    [InlineData(0, true, false, true)] // connection refused: never reached a handler
    [InlineData(0, false, false, false)] // reset mid-call, or an attempt timeout: the handler may have run
    [InlineData(0, false, true, true)]
    [InlineData(503, false, false, true)] // draining: not processed
    [InlineData(500, false, false, false)] // a non-idempotent handler threw: never run twice
    [InlineData(500, false, true, true)]
    [InlineData(500, true, false, true)] // a stream upgrade refused with 500: its handler never ran
    [InlineData(404, true, true, false)]
    public void Retryable_SameRuleForUnaryAndStreams(int status, bool notSent, bool idempotent, bool expected)
        => Assert.Equal(expected, MicroRetryPredicate.Retryable(status, notSent, idempotent));

    [Fact]
    public void IsRetryable_GoMicroErrorCode_JudgedByTheCode()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.InternalServerError);
        response.Headers.TryAddWithoutValidation("Micro-Error", """{"id":"go.micro.client","code":503,"detail":"stopping"}""");

        Assert.True(MicroRetryPredicate.IsRetryable(response, idempotent: false));
    }

    [Fact]
    public void NeverSent_ConnectionRefusedOrNotMade_True_ResetOrEndedMidCall_False()
    {
        Assert.True(MicroRetryPredicate.NeverSent(new HttpRequestException(HttpRequestError.ConnectionError, "refused")));
        Assert.True(MicroRetryPredicate.NeverSent(new HttpRequestException("x", new SocketException((int)SocketError.ConnectionRefused))));
        Assert.True(MicroRetryPredicate.NeverSent(new HttpRequestException("x", new HttpProtocolException(0x7, "REFUSED_STREAM", null))));
        Assert.True(MicroRetryPredicate.NeverSent(new HttpRequestException("x", new HttpProtocolException(0xd, "HTTP_1_1_REQUIRED", null))));
        Assert.False(MicroRetryPredicate.NeverSent(new HttpRequestException("x", new HttpProtocolException(0x2, "INTERNAL_ERROR", null))));
        Assert.False(MicroRetryPredicate.NeverSent(new HttpRequestException(HttpRequestError.ResponseEnded, "ended")));
        Assert.False(MicroRetryPredicate.NeverSent(new HttpRequestException("x", new IOException("reset", new SocketException((int)SocketError.ConnectionReset)))));
    }

    [Fact]
    public void RetryAfter_SecondsOrDate_InTheFutureOnly()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var seconds = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        seconds.Headers.TryAddWithoutValidation("Retry-After", "7");
        using var date = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        date.Headers.TryAddWithoutValidation("Retry-After", "Thu, 01 Jan 2026 00:00:30 GMT");
        using var past = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        past.Headers.TryAddWithoutValidation("Retry-After", "Wed, 31 Dec 2025 00:00:00 GMT");

        Assert.Equal(TimeSpan.FromSeconds(7), MicroRetryPredicate.RetryAfter(seconds, time));
        Assert.Equal(TimeSpan.FromSeconds(30), MicroRetryPredicate.RetryAfter(date, time));
        Assert.Null(MicroRetryPredicate.RetryAfter(past, time));
    }
}
