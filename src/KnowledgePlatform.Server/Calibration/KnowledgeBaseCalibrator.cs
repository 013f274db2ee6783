using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Rag.Calibration;
using KnowledgePlatform.Rag.Retrieval;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Server.Calibration;

/// <summary>
/// Calibrates one knowledge base from its own content (decision 0100): pseudo-questions cut from its indexed chunks are
/// asked through the real retrieval, and its evidence gate is fitted to them and stored with it. A gate fitted from a
/// curator's gold questions is never replaced.
/// </summary>
public sealed class KnowledgeBaseCalibrator(
    KnowledgeDbContext db, Retriever retriever, EmbeddingModelRegistry models, IOptions<CalibrationOptions> options, TimeProvider clock, ILogger<KnowledgeBaseCalibrator> logger)
{
    /// <summary>The enabled chunks of the indexed versions, in a stable order.</summary>
    public IQueryable<Chunk> IndexedChunks(KnowledgeBase kb) =>
        from c in db.Chunks.AsNoTracking()
        join d in db.Documents.AsNoTracking() on c.DocumentId equals d.Id
        where c.KnowledgeBaseId == kb.Id && c.TenantId == kb.TenantId && !c.Disabled && d.IndexedVersion == c.Version
        select c;

    public async Task<EvidenceGateCalibration?> CalibrateAsync(KnowledgeBase kb, CancellationToken ct)
    {
        var count = await IndexedChunks(kb).CountAsync(ct);
        var sample = await (from c in IndexedChunks(kb)
                            join d in db.Documents.AsNoTracking() on c.DocumentId equals d.Id
                            // By file and position, not by id: the same content gives the same pseudo-questions, whatever order it was ingested in.
                            orderby d.FileName, c.Ordinal
                            select new { Chunk = c, d.Title, d.FileName }).Take(options.Value.MaxChunks).ToListAsync(ct);
        var chunks = sample.Select(s => ChunkPayload.From(s.Chunk, s.Title ?? Path.GetFileNameWithoutExtension(s.FileName), s.FileName)).ToList();
        var questions = PseudoQuestions.Cut(chunks, GateCalibrator.MaxQuestions);
        var scope = new RetrievalRequest(kb.TenantId, [kb.Id], "") { Settings = kb.Retrieval, EmbeddingModel = kb.EmbeddingModel, ApplyFloor = false };
        var examples = await new GateCalibrator(models.Get(kb.EmbeddingModel)).ExamplesAsync(questions,
            async (q, token) => (await retriever.SearchAsync(scope with { Query = q }, token)).Candidates, ct);
        var gate = GateCalibrator.Fit(examples, kb.Vertical, count, clock.GetUtcNow());

        var stored = await db.KnowledgeBases.FirstOrDefaultAsync(k => k.Id == kb.Id && k.TenantId == kb.TenantId, ct);
        if (stored is null || stored.EvidenceGate?.Source == EvidenceGateCalibration.SourceGoldQuestions) return stored?.EvidenceGate;
        // Too little content: the vertical's default gate applies, and the attempt is remembered by its chunk count.
        stored.EvidenceGate = gate ?? Rag.Evidence.EvidenceGateDefaults.For(kb.Vertical) with { ChunkCount = count, FittedAt = clock.GetUtcNow() };
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Calibrated the evidence gate of knowledge base {KnowledgeBase} from {Questions} pseudo-questions ({Source})",
            kb.Id, stored.EvidenceGate.Questions, stored.EvidenceGate.Source);
        return stored.EvidenceGate;
    }
}
