using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Rag.Answering;
using KnowledgePlatform.Rag.Answering.Extractive;
using Xunit;
using static KnowledgePlatform.Tests.Answering.ExtractiveAnswererTests;

namespace KnowledgePlatform.Tests.Answering;

/// <summary>How an asker's wording meets the evidence's: contractions, hyphenated words, and sentences about the document.</summary>
public sealed class QuestionWordingTests
{
    [Theory]
    [InlineData("Why won't my Aura connect?", "Why will not my Aura connect?")]
    [InlineData("It can't charge and doesn't turn on", "It can not charge and does not turn on")]
    [InlineData("What's the most paracetamol I'd take?", "What the most paracetamol I take?")]
    [InlineData("I'm 68, can I have it?", "I'm 68, can I have it?")]               // "I'm" stays: an age is read from it
    [InlineData("Is the Vision 55's remote included?", "Is the Vision 55's remote included?")]
    public void A_contraction_is_written_out_or_dropped(string question, string expanded) =>
        Assert.Equal(expanded, Contractions.Expand(question));

    [Fact]
    public void A_hyphenated_word_is_also_the_word_written_solid() =>
        Assert.Equal(["wifi", "preexisting"], HyphenatedWords.Solid("Connect to Wi-Fi; pre-existing conditions; COVID-19 cases"));

    [Theory]
    [InlineData("This guide helps you connect a Northwind Aura or Aura Mini smart speaker to Wi-Fi.", true)]
    [InlineData("Northwind Home is a fictional company; this policy is sample content written for the demo.", true)]
    [InlineData("This guideline covers stroke risk assessment and choice of anticoagulant.", true)]
    [InlineData("For \"No Signal\" and HDMI input problems, see the separate No Signal troubleshooting guide.", true)]
    [InlineData("If the error persists, see section 3.", true)]
    [InlineData("See the light ring pulse orange, then release the button.", false)]
    [InlineData("This speaker needs a 2.4 GHz network.", false)]
    [InlineData("The policy covers defects in materials.", false)]
    public void A_sentence_that_says_what_its_document_is_or_covers_is_about_the_document(string sentence, bool about) =>
        Assert.Equal(about, AboutTheDocument.Is(sentence));

    [Fact]
    public async Task A_question_with_a_contraction_and_a_solid_word_is_answered_by_the_content_not_by_the_documents_introduction()
    {
        // "won't" once counted as the words "won" and "t", and "wifi" met no "Wi-Fi": the three weighed as the rarest words,
        // and the question fell under the floor. Then the guide's introduction, which names its whole subject, won.
        var (text, _, done) = await Answer("Why won't my Aura connect to wifi?",
            Evidence("intro", "Northwind Home and the Aura speakers are fictional; this guide is sample content.\nThis guide helps you connect a Northwind Aura or Aura Mini smart speaker to Wi-Fi, and fix common pairing problems.",
                ChunkKind.Text, "Northwind Aura and Aura Mini: Wi-Fi Setup and Pairing Troubleshooting", "Northwind Aura and Aura Mini: Wi-Fi Setup and Pairing Troubleshooting", 0.98, 0.62),
            Evidence("band", "- Band steering: if your router uses the same name for 2.4 GHz and 5 GHz, the Aura Mini may fail to connect. Temporarily split the bands into two network names.\n- Distance and obstacles: keep the speaker within about 10 m (30 ft) of the router.",
                ChunkKind.Text, "Northwind Aura and Aura Mini: Wi-Fi Setup and Pairing Troubleshooting", "Northwind Aura and Aura Mini: Wi-Fi Setup and Pairing Troubleshooting › If the speaker keeps disconnecting", 0.95, 0.61));

        Assert.Equal(AnswerStatus.Answered, done.Status);
        Assert.Contains("Band steering", text);
    }

    [Fact]
    public async Task A_passage_that_writes_the_askers_solid_word_with_a_hyphen_holds_it()
    {
        var (text, _, done) = await Answer("How do I change the wifi network on my speaker?",
            Evidence("router", "You can change the network name of your speaker's router on its admin page.", ChunkKind.Text, "Home network tips", "Home network tips", 0.95, 0.80),
            Evidence("app", "In the app, open the speaker, then tap Settings > Wi-Fi > Change network.", ChunkKind.Text, "Speaker setup", "Speaker setup", 0.94, 0.79),
            Evidence("volume", "Press the volume buttons to change the volume.", ChunkKind.Text, "Speaker controls", "Speaker controls", 0.60, 0.70));

        Assert.Equal(AnswerStatus.Answered, done.Status);
        Assert.Contains("Settings > Wi-Fi > Change network", text);
    }

    [Fact]
    public async Task A_contraction_is_no_word_the_evidence_must_hold()
    {
        // As "won" and "t", held by no passage, the contraction weighed more than the question's one word ("charge").
        var (text, _, done) = await Answer("Why won't it charge?",
            Evidence("dock", "If the robot does not charge, clean the charging contacts on the dock.\nCheck that the dock is plugged in.", ChunkKind.Text, "Charging", "Charging", 0.95, 0.80),
            Evidence("battery", "A full charge takes about 5 hours.", ChunkKind.Text, "Battery", "Battery", 0.90, 0.75),
            Evidence("storage", "Charge the robot to about 50% before you store it.", ChunkKind.Text, "Storage", "Storage", 0.85, 0.70));

        Assert.Equal(AnswerStatus.Answered, done.Status);
        Assert.Contains("charging contacts", text);
    }
}
