using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Rag.Answering;
using KnowledgePlatform.Rag.Retrieval;
using Xunit;
using static KnowledgePlatform.Tests.Answering.ExtractiveAnswererTests;

namespace KnowledgePlatform.Tests.Answering;

/// <summary>Questions a support site's visitors ask: how to reach someone, when they are open, and how to do something.</summary>
public sealed class ContactHoursAndStepsAnswerTests
{
    private const string Title = "Contact Northwind Home Customer Care";

    private const string Channels = "| Channel | Hours (Eastern Time) | Typical response |\n| --- | --- | --- |\n" +
        "| Phone: 1-800-555-0199 | Monday to Friday 8:00 a.m. – 10:00 p.m.; Saturday and Sunday 9:00 a.m. – 6:00 p.m. | Average wait 6 minutes |\n" +
        "| Live chat (website and app) | Every day 7:00 a.m. – midnight | Average wait 4 minutes |\n" +
        "| Callback request (in the app) | During phone hours | We call you back within 2 hours |";

    private static RetrievedChunk[] ContactPage() =>
    [
        Evidence("closed", "We are closed on New Year's Day, Thanksgiving Day and Christmas Day. Support is available in English and Spanish.",
            ChunkKind.Text, Title, "Ways to reach us", 0.932, 0.632),
        Evidence("ready", "To help us solve your problem quickly, please have ready:\n- your order number (format NW-12345678) or proof of purchase\n- the product's serial number",
            ChunkKind.Text, Title, "Before you contact us", 0.906, 0.641),
        Evidence("channels", Channels, ChunkKind.Table, Title, "Ways to reach us", 0.784, 0.620),
        Evidence("self-service", "- Troubleshooting: open the device in the app and tap Support > Troubleshoot for step-by-step guides.\n" +
            "- Service status: status.northwindhome.example shows any outages affecting the app or voice assistant.",
            ChunkKind.Text, Title, "Self-service options", 0.5, 0.557),
    ];

    [Theory]
    [InlineData("How can I reach you?")]
    [InlineData("What is your phone number?")]
    public async Task A_question_how_to_reach_someone_is_answered_with_the_phone_row_not_the_pages_other_sentences(string question)
    {
        // Every passage holds the question's words through the page's title: what tells them apart is a number to call.
        var (text, _, done) = await Answer(question, ContactPage());

        Assert.Equal(AnswerStatus.Answered, done.Status);
        Assert.StartsWith("Channel: Phone: 1-800-555-0199;", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_question_about_opening_hours_gets_the_row_that_gives_times_not_the_one_that_writes_hours()
    {
        var (text, _, done) = await Answer("What are your customer service hours?", ContactPage());

        Assert.Equal(AnswerStatus.Answered, done.Status);
        Assert.Contains("Monday to Friday 8:00 a.m. – 10:00 p.m.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("During phone hours", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_question_how_to_do_something_gets_the_steps_that_follow_the_sentence_it_matches()
    {
        var (text, _, done) = await Answer("How do I reset my Aura speaker?",
            Evidence("reset", "Resetting removes the speaker from your account and deletes its settings and voice preferences.\n" +
                "- Aura: press and hold Volume Down and Mic Off together for 15 seconds until the light ring turns orange and the speaker chimes.\n" +
                "- Aura Mini: press and hold Action and Mic Off together for 15 seconds.\nAfter resetting, set the speaker up again as a new device.",
                ChunkKind.Text, "Northwind Aura and Aura Mini: Wi-Fi Setup and Pairing Troubleshooting", "Factory reset", 1, 0.825),
            Evidence("setup", "- Aura: press and hold the Action button (the dot on top) for 6 seconds until the light ring pulses orange.\n" +
                "- Aura Mini: press and hold the Action button and Volume Up together for 6 seconds.",
                ChunkKind.Text, "Northwind Aura and Aura Mini: Wi-Fi Setup and Pairing Troubleshooting", "Putting the speaker back into setup mode", 0.384, 0.780));

        Assert.Equal(AnswerStatus.Answered, done.Status);
        Assert.Contains("press and hold Volume Down and Mic Off together for 15 seconds", text, StringComparison.Ordinal);
    }
}
