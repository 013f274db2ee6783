using KnowledgePlatform.Rag.Orchestration;
using Xunit;

namespace KnowledgePlatform.Tests.Orchestration;

/// <summary>A model's reasoning never reaches its answer, however the stream is cut.</summary>
public sealed class ReasoningFilterTests
{
    private const string Harmony =
        "<|channel|>analysis<|message|>The user wants the dose. Source 1 says 4 g; maybe say 8 g [1].<|end|>" +
        "<|start|>assistant<|channel|>commentary<|message|>Checking the table.<|end|>" +
        "<|start|>assistant<|channel|>final<|message|>The maximum daily dose is 4 g [1].<|return|>";

    /// <summary>The text let through when <paramref name="reply"/> arrives in pieces of <paramref name="size"/> characters.</summary>
    private static (string Streamed, string Text) Filter(string reply, int size)
    {
        var filter = new ReasoningFilter();
        var streamed = "";
        for (var i = 0; i < reply.Length; i += size) streamed += filter.Push(reply[i..Math.Min(i + size, reply.Length)]).Text;
        streamed += filter.Flush();
        return (streamed, filter.Text);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(1000)]
    public void A_think_block_is_removed_even_when_its_tags_are_split_across_deltas(int size)
    {
        var (streamed, text) = Filter("<think>\nThe source says 4 g, but I could say 8 g.\n</think>\n\nThe maximum daily dose is 4 g [1].", size);

        Assert.Equal("\n\nThe maximum daily dose is 4 g [1].", streamed);
        Assert.Equal(streamed, text);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(1000)]
    public void Only_the_final_channel_of_a_harmony_reply_is_kept_without_its_control_tokens(int size)
    {
        Assert.Equal("The maximum daily dose is 4 g [1].", Filter(Harmony, size).Streamed);
    }

    [Fact]
    public void An_unclosed_think_block_drops_everything_after_it()
    {
        Assert.Equal("Answer: ", Filter("Answer: <think>I am still reasoning about 8 g", 4).Streamed);
    }

    [Fact]
    public void An_empty_think_block_leaves_the_answer_as_it_is()
    {
        Assert.Equal("The dose is 4 g [1].", Filter("<think></think>The dose is 4 g [1].", 2).Streamed);
    }

    [Fact]
    public void A_closing_tag_without_its_opening_withdraws_the_text_before_it()
    {
        var filter = new ReasoningFilter();

        var first = filter.Push("The template opened the block, so this is reasoning.");
        var second = filter.Push("</think>The dose is 4 g [1].");

        Assert.False(first.Withdrawn);
        Assert.True(second.Withdrawn);
        Assert.Equal("The dose is 4 g [1].", second.Text);
        Assert.Equal("The dose is 4 g [1].", filter.Text);
    }

    [Theory]
    [InlineData("Doses < 4 g are safe [1].")]
    [InlineData("Use HDMI 3 <or 4> [2].")]
    [InlineData("Press <|")]
    public void Angle_brackets_that_open_no_tag_are_text(string reply)
    {
        Assert.Equal(reply, Filter(reply, 1).Streamed);
    }

    [Fact]
    public void Chat_template_end_tokens_are_removed()
    {
        Assert.Equal("The dose is 4 g [1].", Filter("The dose is 4 g [1].<|im_end|>", 3).Streamed);
    }

    [Fact]
    public void The_rewriter_never_takes_a_think_block_for_the_question()
    {
        Assert.Equal("How long is the warranty on the Sweep S2?",
            Rag.Retrieval.QueryRewriter.Clean("<think>\nThe user refers to the Sweep S2.\n</think>\nHow long is the warranty on the Sweep S2?"));
        Assert.Equal("", Rag.Retrieval.QueryRewriter.Clean("<think>\nThe user refers to the Sweep S2 and I ran out of tokens"));
        Assert.Equal("What is the dose for children?", Rag.Retrieval.QueryRewriter.Clean(
            "<|channel|>analysis<|message|>Rewrite it.<|end|><|start|>assistant<|channel|>final<|message|>What is the dose for children?<|return|>"));
    }
}
