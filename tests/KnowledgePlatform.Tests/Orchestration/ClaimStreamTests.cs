using KnowledgePlatform.Rag.Orchestration;
using Xunit;

namespace KnowledgePlatform.Tests.Orchestration;

/// <summary>A streamed answer is let through one complete, cited and supported claim at a time.</summary>
public sealed class ClaimStreamTests
{
    private static (List<string> Released, GroundingVerdict Verdict) Stream(string answer)
    {
        var claims = new ClaimStream(AnswerHarness.Evidence);
        var released = new List<string>();
        for (var i = 1; i <= answer.Length; i++)
        {
            if (claims.Advance(answer[..i], final: false) is { Length: > 0 } piece) released.Add($"{i}:{piece}");
        }
        if (claims.Advance(answer, final: true) is { Length: > 0 } rest) released.Add($"end:{rest}");
        return (released, claims.Verdict);
    }

    [Fact]
    public void A_sentence_is_held_until_the_markers_after_it_are_complete()
    {
        const string answer = "The maximum daily dose for adults is 4 g. [1] Take ibuprofen with food [2].";

        var (released, verdict) = Stream(answer);

        // Released when the next sentence starts: until then another marker could follow.
        Assert.Equal([$"{answer.IndexOf("Take", StringComparison.Ordinal) + 1}:The maximum daily dose for adults is 4 g. [1]", "end: Take ibuprofen with food [2]."], released);
        Assert.True(verdict.Grounded);
        Assert.Equal([1, 2], verdict.Cited);
    }

    [Fact]
    public void A_marker_covers_the_sentences_before_it_on_its_line_each_checked_against_it()
    {
        var (_, verdict) = Stream("Paracetamol is used for mild pain. Adults take at most 4 g a day. Ibuprofen is safe with warfarin [1].");

        Assert.Equal([ClaimProblem.None, ClaimProblem.None, ClaimProblem.Unsupported], verdict.Claims.Select(c => c.Problem));
        // The covered sentences keep the citation of the sentence that was dropped.
        Assert.Equal("Paracetamol is used for mild pain. Adults take at most 4 g a day. [1]", verdict.Text);
    }

    [Fact]
    public void A_claim_no_marker_closes_by_the_end_of_its_line_is_uncited_and_its_lead_in_goes_with_it()
    {
        var (released, verdict) = Stream("Yes. Doubling the dose is safe for heavy adults.\nThe maximum daily dose for adults is 4 g [1].");

        Assert.Equal(["end:The maximum daily dose for adults is 4 g [1]."], released);
        Assert.Equal([ClaimProblem.Uncited, ClaimProblem.None], verdict.Claims.Select(c => c.Problem));
        Assert.False(verdict.Grounded);
    }

    [Fact]
    public void List_items_and_line_breaks_of_kept_claims_are_kept()
    {
        var (_, verdict) = Stream("Dosing:\n\n- The maximum daily dose for adults is 4 g [1].\n- Children need 8 g [1].\n- Take ibuprofen with food [2].");

        Assert.Equal("Dosing:\n\n- The maximum daily dose for adults is 4 g [1].\n- Take ibuprofen with food [2].", verdict.Text);
    }

    [Fact]
    public void The_not_found_sentinel_is_never_let_through()
    {
        var (released, verdict) = Stream("NOT_FOUND. The maximum daily dose for adults is 4 g [1].");

        Assert.DoesNotContain(released, r => r.Contains("NOT_FOUND", StringComparison.Ordinal));
        Assert.Equal("The maximum daily dose for adults is 4 g [1].", verdict.Text);
    }
}
