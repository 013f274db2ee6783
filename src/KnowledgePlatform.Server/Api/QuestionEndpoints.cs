using KnowledgePlatform.Core.Domain;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Text;
using KnowledgePlatform.Core.Policies;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Rag.Answering;
using KnowledgePlatform.Rag.Retrieval;
using KnowledgePlatform.Server.Answering;
using KnowledgePlatform.Server.Audit;
using KnowledgePlatform.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Server.Api;

public static class QuestionEndpoints
{
    private const int MaxQuestionLength = 4000;

    public static RouteGroupBuilder MapQuestions(this RouteGroupBuilder api)
    {
        var kb = api.MapGroup("/knowledge-bases/{kb}").WithTags("Questions");
        kb.MapPost("/search", Search).RequireAuthorization(ApiScopes.Read).WithSummary("Hybrid search: ranked chunks with dense, BM25 and fused scores");
        kb.MapPost("/ask", Ask)
            .RequireAuthorization(ApiScopes.Ask)
            .Produces<AskResponse>(contentType: "application/json")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .WithSummary("A grounded answer with citations; \"stream\": true streams Server-Sent Events (delta, citations, done); \"conversationId\" asks a follow-up");
        return api;
    }

    private static async Task<Results<Ok<SearchResponse>, ProblemHttpResult>> Search(
        string kb, SearchRequest request, ClaimsPrincipal user, KnowledgeDbContext db, Retriever retriever,
        PolicyEnforcer enforcer, AuditLog audit, CancellationToken ct)
    {
        if (Invalid(request.Query, "query") is { } problem) return problem;
        if (request.Top is < 1 or > 100) return ApiProblems.Validation("invalid_top", "top must be between 1 and 100.");
        var found = await db.FindReadableKnowledgeBaseAsync(user, kb, ct);
        if (found is null) return ApiProblems.NotFound("knowledge base", kb);

        var kbs = await WithSharedAsync(db, user, found, request.IncludeShared, ct);
        return await SearchAsync(retriever, ForKnowledgeBases(user, kbs, request.Query, request.Filter) with { Top = request.Top, Mode = request.Mode },
            kbs, user, db, enforcer, audit, ct);
    }

    /// <summary>The knowledge base, and with <paramref name="includeShared"/> every one shared with the tenant that uses the same embedding model.</summary>
    internal static async Task<List<KnowledgeBase>> WithSharedAsync(KnowledgeDbContext db, ClaimsPrincipal user, KnowledgeBase first, bool includeShared, CancellationToken ct) =>
        includeShared
            ? [first, .. (await db.SharedKnowledgeBasesAsync(user, ct)).Where(k => k.Id != first.Id && k.EmbeddingModel == first.EmbeddingModel)]
            : [first];

    /// <summary>
    /// The request for these knowledge bases (already checked reachable by the caller): the first one's settings and
    /// embedding model, the caller's access groups (decision 0040), and the caller's tenant as the tenant.
    /// </summary>
    internal static RetrievalRequest ForKnowledgeBases(ClaimsPrincipal user, IReadOnlyList<KnowledgeBase> kbs, string query, SearchFilter? filter)
    {
        var tenant = user.TenantId();
        var request = new RetrievalRequest(tenant, kbs.Where(k => k.TenantId == tenant).Select(k => k.Id).ToList(), query)
        {
            Settings = kbs[0].SearchSettings,
            EmbeddingModel = kbs[0].EmbeddingModel,
            Groups = user.VisibleGroups(),
            Shared = kbs.Where(k => k.TenantId != tenant).Select(k => new KnowledgeBaseScope(k.TenantId, k.Id)).ToList() is { Count: > 0 } shared ? shared : null,
        };
        return filter is null ? request : filter.ApplyTo(request);
    }

    /// <summary>One search, under the tenant's policy (hit text redacted) and recorded in the audit log; shared by every search route.</summary>
    internal static async Task<Results<Ok<SearchResponse>, ProblemHttpResult>> SearchAsync(
        Retriever retriever, RetrievalRequest request, IReadOnlyList<KnowledgeBase> knowledgeBases, ClaimsPrincipal user, KnowledgeDbContext db,
        PolicyEnforcer enforcer, AuditLog audit, CancellationToken ct)
    {
        try
        {
            var policy = await db.PolicyOfAsync(request.TenantId, knowledgeBases, ct);
            var actions = new PolicyActions();
            var result = await retriever.SearchAsync(request, ct);
            var hits = result.Hits.Select(h => SearchHitDto.From(h) with { Text = enforcer.Redact(policy, h.Chunk.Text, actions) }).ToList();
            await audit.RecordAsync(user, "search", string.Join(",", request.KnowledgeBaseIds),
                new { query = enforcer.Redact(policy, request.Query, actions), hits = hits.Select(h => h.ChunkId), actions.Redactions }, ct);
            return TypedResults.Ok(new SearchResponse(
                request.Query,
                hits,
                new SearchTimings(result.EmbeddingTime.TotalMilliseconds, result.SearchTime.TotalMilliseconds))
            {
                SearchedQuery = result.Query == request.Query ? null : enforcer.Redact(policy, result.Query, actions),
            });
        }
        catch (EmbeddingModelUnavailableException ex)
        {
            return ModelUnavailable(ex);
        }
    }

    internal static ProblemHttpResult ModelUnavailable(EmbeddingModelUnavailableException ex) =>
        ApiProblems.Problem(StatusCodes.Status409Conflict, "embedding_model_unavailable", ex.Message);

    private static async Task<Results<Ok<AskResponse>, ServerSentEventsResult<object>, ProblemHttpResult>> Ask(
        string kb, AskRequest request, HttpContext http, ClaimsPrincipal user, KnowledgeDbContext db, GovernedAnswers governed, CancellationToken ct)
    {
        if (Invalid(request.Question, "question") is { } problem) return problem;
        if (request.Top is < 1 or > 20) return ApiProblems.Validation("invalid_top", "top must be between 1 and 20.");
        var found = await db.FindReadableKnowledgeBaseAsync(user, kb, ct);
        if (found is null) return ApiProblems.NotFound("knowledge base", kb);

        var kbs = await WithSharedAsync(db, user, found, request.IncludeShared, ct);
        var (answer, refused) = await governed.AskAsync(http, new GovernedQuestion(request.Question, kbs, "ask")
        {
            Top = request.Top, Filter = request.Filter, Remember = true, ConversationId = request.ConversationId,
        }, ct);
        if (answer is null) return refused!;
        if (request.Stream) return TypedResults.ServerSentEvents(Stream(answer.Events, ct));

        var (text, citations, done) = await CollectedAnswer.CollectAsync(answer.Events, ct);
        return TypedResults.Ok(new AskResponse(
            text, done?.Status ?? AnswerStatus.InsufficientEvidence, done?.Model ?? "", citations, done?.Grounded ?? false, done?.ConversationId)
        {
            Notice = AnswerNotice.Of(done),
            EvidenceConfidence = done?.EvidenceConfidence,
        });
    }

    /// <summary>delta events carry text, then one citations event, then done; a failure ends with an error event.</summary>
    private static async IAsyncEnumerable<SseItem<object>> Stream(IAsyncEnumerable<AnswerEvent> events, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var e = events.GetAsyncEnumerator(ct);
        while (true)
        {
            SseItem<object> item;
            var failed = false;
            try
            {
                if (!await e.MoveNextAsync()) yield break;
                item = e.Current switch
                {
                    AnswerDelta d => new SseItem<object>(new { text = d.Text }, "delta"),
                    AnswerCitations c => new SseItem<object>(new { citations = c.Citations }, "citations"),
                    AnswerCompleted c => new SseItem<object>(new { status = c.Status, model = c.Model, grounded = c.Grounded, conversationId = c.ConversationId, notice = AnswerNotice.Of(c), evidenceConfidence = c.EvidenceConfidence }, "done"),
                    _ => throw new InvalidOperationException($"Unknown answer event {e.Current.GetType().Name}"),
                };
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                item = new SseItem<object>(new { code = "answer_failed", detail = "The answer could not be completed. Try again." }, "error");
                failed = true;
            }
            yield return item;
            if (failed) yield break;
        }
    }

    internal static ProblemHttpResult? Invalid(string? text, string field) =>
        string.IsNullOrWhiteSpace(text) ? ApiProblems.Validation($"{field}_missing", $"The {field} is empty.")
        : text.Length > MaxQuestionLength ? ApiProblems.Validation($"{field}_too_long", $"The {field} is longer than {MaxQuestionLength} characters.")
        : null;
}
