using System.Text;
using KnowledgePlatform.Server.Channels;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Channels;

/// <summary>The webhook signature and retry schedule, without a server (decision 0092).</summary>
public sealed class WebhookSignatureTests
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"test\": 2432232314}");

    [Fact]
    public void The_signature_matches_the_standard_webhooks_published_example()
    {
        var signature = WebhookSignature.Sign(Secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, Body);

        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature.Signature);
    }

    [Fact]
    public void Verification_refuses_another_body_another_secret_and_an_old_timestamp()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1614265330);
        var header = "v1,bogus " + WebhookSignature.Sign(Secret, "msg_1", now.ToUnixTimeSeconds(), Body).Signature;
        var tolerance = TimeSpan.FromMinutes(5);

        Assert.True(WebhookSignature.Verify(Secret, "msg_1", "1614265330", header, Body, now.AddMinutes(4), tolerance));
        Assert.False(WebhookSignature.Verify(Secret, "msg_1", "1614265330", header, Encoding.UTF8.GetBytes("{\"test\": 1}"), now, tolerance));
        Assert.False(WebhookSignature.Verify(WebhookSignature.NewSecret(), "msg_1", "1614265330", header, Body, now, tolerance));
        Assert.False(WebhookSignature.Verify(Secret, "msg_2", "1614265330", header, Body, now, tolerance));
        Assert.False(WebhookSignature.Verify(Secret, "msg_1", "1614265330", header, Body, now.AddMinutes(6), tolerance));
    }

    [Fact]
    public void Waits_between_rounds_double_with_jitter_up_to_the_maximum()
    {
        var random = new Random(7);
        var first = TimeSpan.FromSeconds(30);
        var max = TimeSpan.FromHours(2);

        for (var round = 1; round <= 12; round++)
        {
            var expected = Math.Min(30 * Math.Pow(2, round - 1), max.TotalSeconds);
            var delay = RetrySchedule.Delay(round, first, max, random).TotalSeconds;
            Assert.InRange(delay, expected * 0.75, expected * 1.25);
        }
    }
}
