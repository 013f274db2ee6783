using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Core.Text;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Rag.Calibration;
using KnowledgePlatform.Rag.Retrieval;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Server.Calibration;

/// <summary>
/// Calibrates one knowledge base from its own content, in one pass over one set of pseudo-questions cut from its
/// indexed chunks: its fusion weight (decision 0120), then its evidence gate (decision 0100) on searches made with that
/// weight, both stored with it. A gate fitted from a curator's gold questions is never replaced; a dense weight a curator
/// set overrides the fitted one.
/// </summary>
public sealed class KnowledgeBaseCalibrator(
    KnowledgeDbContext db, Retriever retriever, IChunkIndex index, EmbeddingModelRegistry models, IOptions<CalibrationOptions> options, TimeProvider clock,
    ILogger<KnowledgeBaseCalibrator> logger)
{
    /// <summary>The enabled chunks of the indexed versions, in a stable order.</summary>
    public IQueryable<Chunk> IndexedChunks(KnowledgeBase kb) =>
        from c in db.Chunks.AsNoTracking()
        join d in db.Documents.AsNoTracking() on c.DocumentId equals d.Id
        where c.KnowledgeBaseId == kb.Id && c.TenantId == kb.TenantId && !c.Disabled && d.IndexedVersion == c.Version
        select c;

    /// <summary>
    /// Calibrates the gate (unless a curator set it) and the fusion; returns the gate in force. Its embeddings are
    /// background calls, run on one thread of the lowest priority, so that searches on the same cores go first (decision 0125).
    /// </summary>
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
        var model = models.Get(kb.EmbeddingModel);
        // The fusion first: the gate reads the candidates that searches will find, so it is fitted on the fusion it will run with.
        var fusion = await FitFusionAsync(kb, model, chunks, questions, count, ct);
        var gold = kb.EvidenceGate?.Source == EvidenceGateCalibration.SourceGoldQuestions;
        EvidenceGateCalibration? gate = null;
        if (!gold)
        {
            var scope = new RetrievalRequest(kb.TenantId, [kb.Id], "")
            {
                Settings = kb.SearchSettingsWith(fusion), EmbeddingModel = kb.EmbeddingModel, ApplyFloor = false, Background = true,
            };
            var examples = await new GateCalibrator(model).ExamplesAsync(questions,
                async (q, token) => (await retriever.SearchAsync(scope with { Query = q }, token)).Candidates, ct);
            gate = GateCalibrator.Fit(examples, kb.Vertical, count, clock.GetUtcNow());
        }

        var stored = await db.KnowledgeBases.FirstOrDefaultAsync(k => k.Id == kb.Id && k.TenantId == kb.TenantId, ct);
        if (stored is null) return null;
        stored.Fusion = fusion;
        if (stored.EvidenceGate?.Source != EvidenceGateCalibration.SourceGoldQuestions)
            // Too little content: the vertical's default gate applies, and the attempt is remembered by its chunk count.
            stored.EvidenceGate = gate ?? Rag.Evidence.EvidenceGateDefaults.For(kb.Vertical) with { ChunkCount = count, FittedAt = clock.GetUtcNow() };
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Calibrated knowledge base {KnowledgeBase}: evidence gate from {Questions} pseudo-questions ({Source}), dense weight {DenseWeight} ({FusionSource})",
            kb.Id, stored.EvidenceGate?.Questions, stored.EvidenceGate?.Source, fusion.DenseWeight, fusion.Source);
        return stored.EvidenceGate;
    }

    /// <summary>The fusion weight fitted on the gate's pseudo-questions and sentences cut from the chunks, or the vertical's default when they are too few.</summary>
    private async Task<FusionCalibration> FitFusionAsync(KnowledgeBase kb, EmbeddingModel model, IReadOnlyList<ChunkPayload> chunks, IReadOnlyList<PseudoQuestion> questions,
        int count, CancellationToken ct)
    {
        var examples = await new FusionCalibrator(model, index, Bm25Parameters.Default)
            .ExamplesAsync(FusionCalibrator.Questions(chunks, questions), chunks, new ChunkFilter(kb.TenantId, [kb.Id]), ct);
        return FusionCalibrator.Fit(examples, count, clock.GetUtcNow())
            ?? FusionCalibration.Default(kb.Vertical) with { ChunkCount = count, FittedAt = clock.GetUtcNow() };
    }
}
