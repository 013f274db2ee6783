using System.Security.Claims;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Rag.Evidence;
using KnowledgePlatform.Server.Audit;
using KnowledgePlatform.Server.Calibration;
using KnowledgePlatform.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KnowledgePlatform.Server.Api;

/// <summary>A knowledge base's evidence gate: calibrate it now, set one fitted on judged questions, or return to self-calibration.</summary>
public static class EvidenceGateEndpoints
{
    public static RouteGroupBuilder MapEvidenceGate(this RouteGroupBuilder api)
    {
        var gate = api.MapGroup("/knowledge-bases/{kb}/evidence-gate").WithTags("Knowledge bases");
        gate.MapPost("/calibrate", Calibrate).RequireAuthorization(ApiScopes.Admin)
            .WithSummary("Calibrate the evidence gate now from pseudo-questions cut from the knowledge base's content");
        gate.MapPut("/", Put).RequireAuthorization(ApiScopes.Admin)
            .WithSummary("Use a gate fitted on judged questions (kp-bench eval --answers --fit) instead of self-calibration");
        gate.MapDelete("/", Delete).RequireAuthorization(ApiScopes.Admin)
            .WithSummary("Return to self-calibration: the gate is calibrated again from the content");
        return api;
    }

    private static async Task<Results<Ok<EvidenceGateDto>, ProblemHttpResult>> Calibrate(
        string kb, ClaimsPrincipal user, KnowledgeDbContext db, KnowledgeBaseCalibrator calibrator, AuditLog audit, CancellationToken ct)
    {
        var (found, problem) = await db.FindWritableKnowledgeBaseAsync(user, kb, ct);
        if (found is null) return problem!;
        if (found.EvidenceGate?.Source == EvidenceGateCalibration.SourceGoldQuestions)
            return ApiProblems.Problem(StatusCodes.Status409Conflict, "gate_set_from_gold_questions",
                "This knowledge base's gate was set from judged questions; delete it first to return to self-calibration.");
        found.EvidenceGate = await calibrator.CalibrateAsync(found, ct);
        await audit.RecordAsync(user, "evidence_gate.calibrated", found.Id, EvidenceGateDto.Of(found), ct);
        return TypedResults.Ok(EvidenceGateDto.Of(found));
    }

    private static async Task<Results<Ok<EvidenceGateDto>, ProblemHttpResult>> Put(
        string kb, EvidenceGateRequest request, ClaimsPrincipal user, KnowledgeDbContext db, AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        var (found, problem) = await db.FindWritableKnowledgeBaseAsync(user, kb, ct);
        if (found is null) return problem!;
        if (request.Weights is null || request.Weights.Count != EvidenceFeatures.Names.Length || request.Weights.Append(request.Bias).Any(w => !double.IsFinite(w))
            || request.Threshold is < 0 or > 1 || request.Questions < 1)
            return ApiProblems.Validation("invalid_evidence_gate",
                $"An evidence gate needs {EvidenceFeatures.Names.Length} finite weights ({string.Join(", ", EvidenceFeatures.Names)}), a finite bias, a threshold from 0 to 1 and the number of questions it was fitted on.");
        var tracked = (await db.KnowledgeBases.FindAsync([found.Id], ct))!;
        tracked.EvidenceGate = new EvidenceGateCalibration(request.Weights, request.Bias, request.Threshold)
        {
            Source = EvidenceGateCalibration.SourceGoldQuestions, FittedAt = clock.GetUtcNow(), Questions = request.Questions, Auc = request.Auc,
        };
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(user, "evidence_gate.set", found.Id, EvidenceGateDto.Of(tracked), ct);
        return TypedResults.Ok(EvidenceGateDto.Of(tracked));
    }

    private static async Task<Results<Ok<EvidenceGateDto>, ProblemHttpResult>> Delete(string kb, ClaimsPrincipal user, KnowledgeDbContext db, AuditLog audit, CancellationToken ct)
    {
        var (found, problem) = await db.FindWritableKnowledgeBaseAsync(user, kb, ct);
        if (found is null) return problem!;
        var tracked = (await db.KnowledgeBases.FindAsync([found.Id], ct))!;
        tracked.EvidenceGate = null;
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(user, "evidence_gate.reset", found.Id, null, ct);
        return TypedResults.Ok(EvidenceGateDto.Of(tracked));
    }
}
