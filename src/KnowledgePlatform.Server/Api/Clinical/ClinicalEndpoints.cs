using System.Security.Claims;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Rag.Answering;
using KnowledgePlatform.Rag.Orchestration;
using KnowledgePlatform.Rag.Retrieval;
using KnowledgePlatform.Server.Answering;
using KnowledgePlatform.Server.Audit;
using KnowledgePlatform.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Server.Api.Clinical;

/// <summary>
/// The clinical decision support API: ranked evidence without generation, and strict answers in which every
/// sentence carries citations, with a machine-readable status, the tenant's disclaimer and the settings
/// (model, temperature 0, seed, knowledge base version) that reproduce it.
/// </summary>
public static class ClinicalEndpoints
{
    public static RouteGroupBuilder MapClinical(this RouteGroupBuilder api)
    {
        var clinical = api.MapGroup("").WithTags("Clinical decision support");
        clinical.MapPost("/evidence", Evidence).RequireAuthorization(ApiScopes.Read)
            .WithSummary("Ranked evidence passages for a clinical question (no generation)")
            .WithDescription("Each passage names its document, section, page, effective date and version, with its score. Patient context narrows the search and is neither stored nor logged.");
        clinical.MapPost("/answers", Answer).RequireAuthorization(ApiScopes.Ask)
            .WithSummary("A strict, cited answer: status answered, insufficient_evidence or refused_by_policy")
            .WithDescription("Every sentence carries citations; without enough evidence the status says so instead of guessing. Temperature 0 and a fixed seed: the same request on the same knowledge base version gives the same answer.");
        return api;
    }

    private static async Task<Results<Ok<EvidenceResponse>, ProblemHttpResult>> Evidence(
        EvidenceRequest request, HttpContext http, ClaimsPrincipal user, KnowledgeDbContext db, Retriever retriever, PolicyEnforcer enforcer, AuditLog audit, CancellationToken ct)
    {
        if (Validate(request.Question, request.Top, request.Patient) is { } invalid) return invalid;
        var kb = await ResolveKnowledgeBaseAsync(db, user, request.KnowledgeBase, ct);
        if (kb.Problem is { } problem) return problem;
        var query = Query(request.Question, request.Patient);
        var found = kb.Found!;
        var policy = await db.PolicyOfAsync(user.TenantId(), [found], ct);
        var actions = new PolicyActions();
        try
        {
            var result = await retriever.SearchAsync(QuestionEndpoints.ForKnowledgeBases(user, [found], query, request.Filter) with { Top = request.Top }, ct);
            var passages = result.Hits.Select((h, i) => Passage(i + 1, h, enforcer.Redact(policy, h.Chunk.Text, actions))).ToList();
            await audit.RecordAsync(user, "evidence", found.Id, new
            {
                question = enforcer.Redact(policy, request.Question, actions),
                patientContext = request.Patient is not null,
                passages = passages.Select(p => p.ChunkId),
                actions.Redactions,
            }, ct);
            return TypedResults.Ok(new EvidenceResponse(request.Question, query, await ReferenceAsync(db, found, ct), passages, http.TraceIdentifier));
        }
        catch (EmbeddingModelUnavailableException ex)
        {
            return QuestionEndpoints.ModelUnavailable(ex);
        }
    }

    private static EvidencePassage Passage(int rank, RetrievedChunk hit, string text)
    {
        var c = hit.Chunk;
        return new EvidencePassage(rank, c.ChunkId, new EvidenceDocument(c.DocumentId, c.DocumentTitle, c.FileName),
            string.IsNullOrEmpty(c.HeadingPath) ? null : c.HeadingPath, c.Page, c.Location, c.EffectiveDate, c.DocumentVersion, hit.Score, text);
    }

    private static async Task<Results<Ok<ClinicalAnswerResponse>, ProblemHttpResult>> Answer(
        ClinicalAnswerRequest request, HttpContext http, ClaimsPrincipal user, KnowledgeDbContext db, GovernedAnswers governed, CancellationToken ct)
    {
        if (Validate(request.Question, request.Top, request.Patient) is { } invalid) return invalid;
        var kb = await ResolveKnowledgeBaseAsync(db, user, request.KnowledgeBase, ct);
        if (kb.Problem is { } problem) return problem;
        var found = kb.Found!;
        var generation = GenerationSettings.Deterministic;
        try
        {
            // Strict whatever the knowledge base says: this contract promises cited sentences or a status saying why not.
            var (governedAnswer, refused) = await governed.AskAsync(http, new GovernedQuestion(request.Question, [found], "answer")
            {
                SearchQuery = Query(request.Question, request.Patient), Top = request.Top, Filter = request.Filter,
                Terms = p => p with { Strict = true, Generation = generation },
            }, ct);
            if (governedAnswer is null) return refused!;
            var (policy, actions, events) = (governedAnswer.Policy, governedAnswer.Actions, governedAnswer.Events);
            var (text, citations, done) = await CollectedAnswer.CollectAsync(events, ct);
            if (actions.DisclaimerAdded && policy.Disclaimer is { } disclaimer && text.EndsWith(disclaimer, StringComparison.Ordinal))
                text = text[..^disclaimer.Length].TrimEnd();

            var status = done?.Status switch
            {
                AnswerStatus.RefusedByPolicy => ClinicalAnswerStatus.RefusedByPolicy,
                AnswerStatus.Answered => ClinicalAnswerStatus.Answered,
                _ => ClinicalAnswerStatus.InsufficientEvidence,
            };
            IReadOnlyList<AnswerSentence> sentences = [];
            if (status == ClinicalAnswerStatus.Answered)
            {
                var (cited, _) = Grounding.CitedSentences(text, citations.Select(c => c.Number).ToHashSet());
                sentences = cited.Select(s => new AnswerSentence(s.Text, s.Citations)).ToList();
                if (sentences.Count == 0) status = ClinicalAnswerStatus.InsufficientEvidence;
            }
            var answer = status == ClinicalAnswerStatus.Answered
                ? string.Join(" ", sentences.Select(s => $"{s.Text} {string.Concat(s.Citations.Select(n => $"[{n}]"))}"))
                : status == ClinicalAnswerStatus.RefusedByPolicy ? text.Trim() : PolicyEnforcer.NotFound;
            if (status != ClinicalAnswerStatus.Answered) citations = [];
            else citations = citations.Where(c => sentences.Any(s => s.Citations.Contains(c.Number))).ToList();

            return TypedResults.Ok(new ClinicalAnswerResponse(status, answer, sentences, citations,
                status == ClinicalAnswerStatus.RefusedByPolicy ? null : policy.Disclaimer,
                new GenerationDto(done?.Model ?? "", generation.Temperature, generation.Seed),
                await ReferenceAsync(db, found, ct), http.TraceIdentifier) { EvidenceConfidence = done?.EvidenceConfidence });
        }
        catch (EmbeddingModelUnavailableException ex)
        {
            return QuestionEndpoints.ModelUnavailable(ex);
        }
    }

    private static ProblemHttpResult? Validate(string? question, int? top, PatientContext? patient) =>
        QuestionEndpoints.Invalid(question, "question")
        ?? (top is < 1 or > 20 ? ApiProblems.Validation("invalid_top", "top must be between 1 and 20.") : null)
        ?? (patient?.Problem() is { } p ? ApiProblems.Validation("invalid_patient_context", p) : null);

    /// <summary>The question, then the patient context on its own line: a fixed form, so the same request searches the same words.</summary>
    internal static string Query(string question, PatientContext? patient) =>
        patient?.Describe() is { Length: > 0 } context ? $"{question.Trim()}\nPatient: {context}" : question.Trim();

    /// <summary>
    /// The knowledge base a request means: the one it names, else the only one the key may reach, else the
    /// tenant's only one. More than one and none named is a 400 that lists what to name.
    /// </summary>
    internal static async Task<(KnowledgeBase? Found, ProblemHttpResult? Problem)> ResolveKnowledgeBaseAsync(
        KnowledgeDbContext db, ClaimsPrincipal user, string? name, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(name))
        {
            var named = await db.FindKnowledgeBaseAsync(user, name, ct);
            return named is null ? (null, ApiProblems.NotFound("knowledge base", name)) : (named, null);
        }
        var tenant = user.TenantId();
        var reachable = (await db.KnowledgeBases.AsNoTracking().Where(k => k.TenantId == tenant).OrderBy(k => k.Name).ToListAsync(ct))
            .Where(k => user.CanReach(k.Id)).ToList();
        return reachable.Count switch
        {
            1 => (reachable[0], null),
            0 => (null, ApiProblems.NotFound("knowledge base", "(none)")),
            _ => (null, ApiProblems.Validation("knowledge_base_required",
                $"This key reaches several knowledge bases; name one ({string.Join(", ", reachable.Select(k => k.Name))})."))
        };
    }

    /// <summary>The knowledge base and its content version (decision 0093): it changes with every change that can change an answer.</summary>
    internal static async Task<KnowledgeBaseRef> ReferenceAsync(KnowledgeDbContext db, KnowledgeBase kb, CancellationToken ct) =>
        new(kb.Id, kb.Name, await KnowledgeBaseVersion.OfAsync(db, kb, ct));
}
