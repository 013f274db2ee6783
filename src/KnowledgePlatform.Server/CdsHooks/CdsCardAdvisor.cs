using System.Text;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Rag.Answering;
using KnowledgePlatform.Rag.Orchestration;
using KnowledgePlatform.Server.Answering;

namespace KnowledgePlatform.Server.CdsHooks;

/// <summary>
/// Asks the knowledge base each question of a hook call through the governed answer path (quota, policy, evidence gate,
/// audit) and turns each answer into a card. A question the evidence gate finds the knowledge base does not cover, or the
/// policy refuses, gives no card: the service never guesses.
/// </summary>
public sealed class CdsCardAdvisor(GovernedAnswers governed)
{
    public const string AuditAction = "cds.card";
    private const int QuoteLength = 600;

    public async Task<(IReadOnlyList<CdsCard> Cards, IReadOnlyList<string> Uncovered)> AdviseAsync(
        HttpContext http, KnowledgeBase kb, IReadOnlyList<CdsQuestion> questions, PatientFacts facts, CdsCallRecord call, CancellationToken ct)
    {
        var cards = new List<CdsCard>();
        var uncovered = new List<string>();
        foreach (var question in questions)
        {
            var (answer, refused) = await governed.AskAsync(http, new GovernedQuestion(question.Question, [kb], AuditAction)
            {
                Terms = p => p with { Strict = true, Generation = GenerationSettings.Deterministic },
                AuditContext = new { call.Service, call.Hook, call.HookInstance, knowledgeBaseVersion = call.KnowledgeBaseVersion, question.Concern },
            }, ct);
            if (answer is null)
            {
                uncovered.Add($"{question.Question} ({refused?.ProblemDetails.Title ?? "refused"})");
                continue;
            }
            var (text, citations, done) = await CollectedAnswer.CollectAsync(answer.Events, ct);
            if (done?.Status != AnswerStatus.Answered || citations.Count == 0)
            {
                uncovered.Add($"{question.Question} ({done?.Status.ToString() ?? "no answer"})");
                continue;
            }
            var (sentences, _) = Grounding.CitedSentences(text, citations.Select(c => c.Number).ToHashSet());
            var cited = citations.Where(c => sentences.Any(s => s.Citations.Contains(c.Number))).ToList();
            if (cited.Count == 0) cited = citations.ToList();
            var answerText = sentences.Count > 0 ? string.Join(" ", sentences.Select(s => $"{s.Text} {string.Concat(s.Citations.Select(n => $"[{n}]"))}")) : text.Trim();
            cards.Add(Card(question, answerText, cited, facts.Egfr, call.SourceViewBase, kb.Name));
        }
        return (cards, uncovered);
    }

    internal static CdsCard Card(CdsQuestion question, string answer, IReadOnlyList<Citation> cited, double? egfr, string sourceViewBase, string knowledgeBase)
    {
        var indicator = CardIndicators.Choose(question.Concern, string.Join("\n", cited.Select(c => c.Quote)), egfr, question.Names);
        var first = cited[0];
        var detail = new StringBuilder();
        detail.Append("**").Append(question.Question).Append("**\n\n").Append(answer).Append("\n\n");
        foreach (var c in cited)
        {
            var quote = c.Quote.Length > QuoteLength ? c.Quote[..QuoteLength] + "…" : c.Quote;
            detail.Append('[').Append(c.Number).Append("] ").Append(c.DocumentTitle).Append(", ").Append(c.Location).Append("\n\n");
            foreach (var line in quote.Split('\n')) detail.Append("> ").Append(line).Append('\n');
            detail.Append('\n');
        }
        var links = cited.DistinctBy(c => c.ChunkId)
            .Select(c => new CardLink($"[{c.Number}] {c.DocumentTitle}, {c.Location}", SourceView(sourceViewBase, c), "absolute")).ToList();
        return new CdsCard(Guid.NewGuid().ToString(), CardSummary.Of(question.Subject, answer, question.Concern), detail.ToString().TrimEnd(), indicator,
            new CardSource($"{first.DocumentTitle} ({knowledgeBase})") { Url = SourceView(sourceViewBase, first) })
        {
            Links = links,
        };
    }

    /// <summary>The cited passage in the portal's source view, highlighted.</summary>
    internal static string SourceView(string baseUrl, Citation c) => baseUrl.TrimEnd('/') + Answering.CitationLinks.ViewUrl(c);
}
