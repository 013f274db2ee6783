using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Text;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Rag.Answering;
using KnowledgePlatform.Rag.Retrieval;
using KnowledgePlatform.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KnowledgePlatform.Server.Api;

public static class QuestionEndpoints
{
    private const int MaxQuestionLength = 4000;

    public static RouteGroupBuilder MapQuestions(this RouteGroupBuilder api)
    {
        var kb = api.MapGroup("/knowledge-bases/{kb}").WithTags("Questions");
        kb.MapPost("/search", Search).WithSummary("Hybrid search: ranked chunks with dense, BM25 and fused scores");
        kb.MapPost("/ask", Ask)
            .Produces<AskResponse>(contentType: "application/json")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .WithSummary("A grounded answer with citations; \"stream\": true streams Server-Sent Events (delta, citations, done)");
        return api;
    }

    private static async Task<Results<Ok<SearchResponse>, ProblemHttpResult>> Search(
        string kb, SearchRequest request, ClaimsPrincipal user, KnowledgeDbContext db, Retriever retriever, CancellationToken ct)
    {
        if (Invalid(request.Query, "query") is { } problem) return problem;
        if (request.Top is < 1 or > 100) return ApiProblems.Validation("invalid_top", "top must be between 1 and 100.");
        var found = await db.FindKnowledgeBaseAsync(user.TenantId(), kb, ct);
        if (found is null) return ApiProblems.NotFound("knowledge base", kb);

        return await SearchAsync(retriever, ForKnowledgeBases([found], request.Query, request.Filter) with { Top = request.Top, Mode = request.Mode }, ct);
    }

    /// <summary>The request for these knowledge bases (all the tenant's, already checked): the first one's settings and embedding model.</summary>
    internal static RetrievalRequest ForKnowledgeBases(IReadOnlyList<KnowledgeBase> kbs, string query, SearchFilter? filter)
    {
        var request = new RetrievalRequest(kbs[0].TenantId, kbs.Select(k => k.Id).ToList(), query)
        {
            Settings = kbs[0].Retrieval,
            EmbeddingModel = kbs[0].EmbeddingModel,
        };
        return filter is null ? request : filter.ApplyTo(request);
    }

    internal static async Task<Results<Ok<SearchResponse>, ProblemHttpResult>> SearchAsync(Retriever retriever, RetrievalRequest request, CancellationToken ct)
    {
        try
        {
            var result = await retriever.SearchAsync(request, ct);
            return TypedResults.Ok(new SearchResponse(
                request.Query,
                result.Hits.Select(SearchHitDto.From).ToList(),
                new SearchTimings(result.EmbeddingTime.TotalMilliseconds, result.SearchTime.TotalMilliseconds))
            {
                SearchedQuery = result.Query == request.Query ? null : result.Query,
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
        string kb, AskRequest request, ClaimsPrincipal user, KnowledgeDbContext db, AnswerService answers, CancellationToken ct)
    {
        if (Invalid(request.Question, "question") is { } problem) return problem;
        if (request.Top is < 1 or > 20) return ApiProblems.Validation("invalid_top", "top must be between 1 and 20.");
        var found = await db.FindKnowledgeBaseAsync(user.TenantId(), kb, ct);
        if (found is null) return ApiProblems.NotFound("knowledge base", kb);

        var retrieval = ForKnowledgeBases([found], request.Question, request.Filter) with { Top = request.Top, History = request.History };
        if (request.Stream) return TypedResults.ServerSentEvents(Stream(answers.AskAsync(retrieval, ct), ct));

        var text = new StringBuilder();
        IReadOnlyList<Citation> citations = [];
        AnswerCompleted? done = null;
        await foreach (var e in answers.AskAsync(retrieval, ct))
        {
            switch (e)
            {
                case AnswerDelta d: text.Append(d.Text); break;
                case AnswerCitations c: citations = c.Citations; break;
                case AnswerCompleted c: done = c; break;
            }
        }
        return TypedResults.Ok(new AskResponse(text.ToString(), done?.Status ?? AnswerStatus.InsufficientEvidence, done?.Model ?? "", citations));
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
                    AnswerCompleted c => new SseItem<object>(new { status = c.Status, model = c.Model }, "done"),
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
