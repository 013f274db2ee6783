using System.Net;
using Bunit;
using KnowledgePlatform.Server.Api;
using KnowledgePlatform.Server.Portal.Components;
using Xunit;

namespace KnowledgePlatform.Portal.Tests;

public sealed class NotFoundExplanationTests : PortalComponentContext
{
    private const string Question = "How long does the flu jab take to work?";

    private static SearchHitDto Hit(string id, string text) =>
        new(id, "doc-" + id, "Influenza vaccination", "flu.pdf", "page 1", 1, "When should I have it?", text, 0.6, 0.71, 1, 6.5, 8);

    /// <summary>The knowledge base's gate (calibrated, threshold 0.59) and what a search of the question finds.</summary>
    private void KnowledgeBaseFinds(params SearchHitDto[] hits) => Api.Respond = request => request.Method == HttpMethod.Get
        ? FakeApi.Json(HttpStatusCode.OK, new { id = "kb1", name = "medical", evidenceGate = new EvidenceGateDto("pseudo-questions", new DateTimeOffset(2026, 12, 7, 1, 55, 0, TimeSpan.Zero), 150, 0.81, 0.59, 259) })
        : FakeApi.Json(HttpStatusCode.OK, new { query = Question, hits, timings = new { } });

    private IRenderedComponent<NotFoundExplanation> Explain(double? confidence) => Render<NotFoundExplanation>(p => p
        .Add(x => x.KnowledgeBase, "kb1").Add(x => x.Question, Question).Add(x => x.Confidence, confidence));

    [Fact]
    public void A_gate_that_said_no_is_shown_with_its_confidence_against_the_threshold_and_the_closest_passages()
    {
        KnowledgeBaseFinds(Hit("c1", "It takes about 14 days after vaccination for your body to build up protection."), Hit("c2", "How well the vaccine works varies."));
        var cut = Explain(0.39);

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=closest-passages] li").Count));
        var verdict = cut.Find("[data-testid=gate-verdict]").TextContent;
        Assert.Contains("confidence 0.39, under this knowledge base's threshold 0.59 (calibrated from its own content on 2026-12-07)", verdict);
        Assert.Equal("/portal/documents/doc-c1/source?chunk=c1", cut.Find("[data-testid=closest-passages] a").GetAttribute("href"));
        Assert.Contains("14 days", cut.Find("[data-testid=closest-passages]").TextContent);
        // The three closest, searched for the question in the same knowledge base.
        Assert.Equal("/api/v1/knowledge-bases/kb1/search", Api.Requests.Single(r => r.Method == HttpMethod.Post).Path);
        Assert.Contains("\"top\":3", Api.Requests.Single(r => r.Method == HttpMethod.Post).Body);
        Assert.Equal($"/portal/playground?kb=kb1&q={Uri.EscapeDataString(Question)}", cut.Find("a[href^='/portal/playground']").GetAttribute("href"));
    }

    [Fact]
    public void A_question_nothing_comes_near_says_the_knowledge_base_lacks_the_content()
    {
        KnowledgeBaseFinds();
        var cut = Explain(0.02);

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=nothing-near]")));
        Assert.Empty(cut.FindAll("[data-testid=closest-passages]"));
    }

    [Fact]
    public void Where_the_page_offers_the_next_steps_itself_the_explanation_leaves_them_out()
    {
        KnowledgeBaseFinds(Hit("c1", "It takes about 14 days."));
        var cut = Render<NotFoundExplanation>(p => p.Add(x => x.KnowledgeBase, "kb1").Add(x => x.Question, Question).Add(x => x.WithNextSteps, false));

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=closest-passages] li")));
        Assert.Empty(cut.FindAll("a[href^='/portal/playground']"));
    }

    [Fact]
    public void A_channel_that_does_not_report_the_confidence_gets_the_threshold_alone()
    {
        KnowledgeBaseFinds(Hit("c1", "It takes about 14 days."));
        var cut = Explain(null);

        cut.WaitForAssertion(() => Assert.Contains("evidence gate answers from confidence 0.59", cut.Find("[data-testid=gate-verdict]").TextContent));
        Assert.DoesNotContain("under this knowledge base's threshold", cut.Find("[data-testid=gate-verdict]").TextContent);
    }
}
