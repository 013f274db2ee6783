using System.Security.Claims;
using System.Text;
using KnowledgePlatform.Core.Policies;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Rag.Answering;
using KnowledgePlatform.Server.Api;
using KnowledgePlatform.Server.Audit;
using KnowledgePlatform.Server.Inbox;
using KnowledgePlatform.Server.Quotas;
using KnowledgePlatform.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Server.Answering;

/// <summary>
/// The one answer path of every channel (REST ask, widget, clinical answers, chat completions, CDS Hooks): the question is
/// checked, the conversation found, the token quota checked, the asking tenant's policy (tightened by every knowledge base
/// asked) applied — a blocked topic refused before anything is retrieved — the answer produced by the answer service
/// (retrieval, evidence gate, answerer), then audited and counted against the quota once complete. Channels only find
/// their knowledge bases and shape the result.
/// </summary>
public sealed class GovernedAnswers(
    KnowledgeDbContext db, IConversationStore conversations, AnswerService answers, PolicyEnforcer enforcer, AuditLog audit, QuotaService quotas,
    InboxRecorder inbox, ILogger<GovernedAnswers> logger)
{
    /// <summary>The answer under way, or the problem that stopped it before anything was retrieved.</summary>
    public async Task<(GovernedAnswer? Answer, ProblemHttpResult? Problem)> AskAsync(HttpContext http, GovernedQuestion question, CancellationToken ct)
    {
        if (QuestionEndpoints.Invalid(question.Question, "question") is { } invalid) return (null, invalid);
        var user = http.User;
        var tenant = user.TenantId();
        var first = question.KnowledgeBases[0];
        if (question.ConversationId is { } id && await conversations.FindAsync(tenant, first.Id, id, ct) is null)
            return (null, ApiProblems.NotFound("conversation", id));
        if (await quotas.CheckTokensAsync(http, ct) is { } overQuota) return (null, overQuota);

        var policy = await db.PolicyOfAsync(tenant, question.KnowledgeBases, ct);
        var actions = new PolicyActions();
        var retrieval = QuestionEndpoints.ForKnowledgeBases(user, question.KnowledgeBases, question.SearchQuery ?? question.Question, question.Filter) with { Top = question.Top, History = question.History };
        var answerPolicy = (question.Terms is { } terms ? terms(AnswerPolicy.For(first)) : AnswerPolicy.For(first)) with { NeutraliseEmbeddedInstructions = policy.NeutraliseEmbeddedInstructions };
        var events = PolicyEnforcer.BlockedTopic(policy, question.Question) is { } topic
            ? PolicyEnforcer.Refuse(policy, topic, actions)
            : enforcer.EnforceAsync(policy, question.Remember
                ? answers.AskAsync(new ConversationQuestion(retrieval, answerPolicy) { ConversationId = question.ConversationId }, ct)
                : answers.AskAsync(retrieval, answerPolicy, ct), actions, ct);
        return (new GovernedAnswer(Audited(events, user, question, first.Id, policy, actions), policy, actions), null);
    }

    /// <summary>Passes the answer through and, once it is complete, records it in the audit log and counts its tokens.</summary>
    private async IAsyncEnumerable<AnswerEvent> Audited(
        IAsyncEnumerable<AnswerEvent> events, ClaimsPrincipal user, GovernedQuestion question, string knowledgeBaseId, SecurityPolicy policy, PolicyActions actions)
    {
        AnswerCompleted? done = null;
        IReadOnlyList<Citation> citations = [];
        var answer = new StringBuilder();
        await foreach (var e in events)
        {
            if (e is AnswerCompleted c) done = c;
            if (e is AnswerDelta d) answer.Append(d.Text);
            if (e is AnswerCitations cs)
            {
                // Every channel's citations link to their source (decision 0146).
                citations = CitationLinks.Attach(cs.Citations);
                yield return new AnswerCitations(citations);
                continue;
            }
            yield return e;
        }
        await audit.RecordAsync(user, question.AuditAction, knowledgeBaseId, new
        {
            question = enforcer.Redact(policy, question.Question, actions),
            status = done?.Status,
            conversationId = done?.ConversationId,
            evidenceConfidence = done?.EvidenceConfidence,
            model = done?.Model,
            cited = citations.Select(c => c.ChunkId),
            context = question.AuditContext,
            policy = actions,
        }, CancellationToken.None);
        await quotas.RecordTokensAsync(user, quotas.CountAsk(question.Question, answer.ToString(), citations.Select(c => c.Quote)), CancellationToken.None);
        if (done is null) yield break;
        try
        {
            // For the curators: the conversation's channel and the turn's citations (conversation review), an answer that did not answer (the inbox).
            if (done.ConversationId is { } conversationId)
                await ConversationReview.StampAsync(db, user.TenantId(), conversationId, user.Channel(), citations, CancellationToken.None);
            await inbox.RecordUnansweredAsync(user, knowledgeBaseId, question.Question, done, policy, CancellationToken.None);
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or EmbeddingModelUnavailableException)
        {
            // The visitor has the answer; the curator's record of it is what is lost, and said so.
            logger.LogWarning(ex, "The answer in knowledge base {KnowledgeBase} was not recorded for review or the inbox", knowledgeBaseId);
        }
    }
}
