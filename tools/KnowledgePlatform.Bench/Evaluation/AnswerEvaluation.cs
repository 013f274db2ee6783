using System.Diagnostics;
using KnowledgePlatform.Rag.Answering.Extractive;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Policies;
using KnowledgePlatform.Rag.Answering;
using KnowledgePlatform.Rag.Calibration;
using KnowledgePlatform.Rag.Retrieval;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Bench.Evaluation;

/// <summary>The answer figures of one run: each way of answering side by side, and the timings of the real path.</summary>
internal sealed record AnswerEvaluationResult(
    AnswerMetricsSummary AnswerEverything, AnswerMetricsSummary NaiveGate, AnswerMetricsSummary Platform, double NaiveThreshold,
    Timing Search, Timing Answer, IReadOnlyList<object> Questions)
{
    /// <summary>Each gate feature's AUC on the real questions (answerable against unanswerable), for gate studies.</summary>
    public IReadOnlyDictionary<string, double?> FeatureAucs { get; init; } = new Dictionary<string, double?>();

    /// <summary>Each question's gate features with whether it is answerable: what <c>--fit</c> fits a gate on.</summary>
    public IReadOnlyList<(bool Answerable, double[] Values)> Judged { get; init; } = [];
}

/// <summary>
/// `kp-bench eval --answers`: every question through the platform's real answer path (retrieval, evidence gate, answerer, the
/// vertical's answer policy and security policy), next to two baselines measured in the same run: answering everything
/// (the answerer on the best evidence, no gate) and a naive gate (that answer, given only when the top dense similarity
/// reaches the configured relevance floor).
/// </summary>
internal sealed class AnswerEvaluation(EvaluationRun run, Vertical vertical, bool withEvidence = false)
{
    public IReadOnlyList<GateExample> GateExamples { get; private set; } = [];

    /// <summary>The knowledge base's own fusion, fitted before the gate; every search of the evaluation runs with it.</summary>
    public SelfCalibration? Fusion { get; private set; }

    /// <summary>
    /// The knowledge base calibrates itself from its own content, as the server does after ingestion: its fusion weight
    /// first, then its evidence gate on searches made with that weight (decision 0120).
    /// </summary>
    public async Task<EvidenceGateCalibration?> CalibrateAsync(CancellationToken ct)
    {
        Fusion = await run.SelfCalibrateAsync(vertical, ct);
        var retriever = run.Services.GetRequiredService<Retriever>();
        var model = run.Services.GetRequiredService<Core.Ports.EmbeddingModelRegistry>().Default;
        var questions = PseudoQuestions.Cut(run.Chunks, GateCalibrator.MaxQuestions);
        var examples = await new GateCalibrator(model).ExamplesAsync(questions,
            async (q, token) => (await retriever.SearchAsync(Request(q, null) with { ApplyFloor = false }, token)).Candidates, ct);
        GateExamples = examples;
        return GateCalibrator.Fit(examples, vertical, run.ChunkCount, DateTimeOffset.UtcNow);
    }

    public async Task<AnswerEvaluationResult> RunAsync(BeirDataset dataset, AnswerabilitySplit split, EvidenceGateCalibration? gate, int? limit, IProgress<int> progress, CancellationToken ct)
    {
        var services = run.Services;
        var retriever = services.GetRequiredService<Retriever>();
        var answers = services.GetRequiredService<AnswerService>();
        var enforcer = services.GetRequiredService<PolicyEnforcer>();
        var options = services.GetRequiredService<IOptions<RetrievalOptions>>().Value;
        var securityPolicy = SecurityPolicyOf(vertical);
        var answerPolicy = new AnswerPolicy(vertical, Strict: vertical == Vertical.Medical) { KnowledgeBaseName = EvaluationRun.KnowledgeBase, Gate = gate };

        var questions = split.Answerable.Take(limit ?? int.MaxValue).Select(q => (Query: q, Answerable: true))
            .Concat(split.Unanswerable.Take(limit ?? int.MaxValue).Select(q => (Query: q, Answerable: false))).ToList();
        var everything = new List<AnswerOutcome>();
        var naive = new List<AnswerOutcome>();
        var platform = new List<AnswerOutcome>();
        var searchMs = new List<double>();
        var answerMs = new List<double>();
        var perQuestion = new List<object>();
        var features = new List<(bool Answerable, double[] Values)>();
        // Warm-up: the first calls pay for JIT compilation and cold caches.
        foreach (var (q, _) in questions.Take(3)) await CollectAsync(answers.AskAsync(Request(q.Text, options.Top), answerPolicy, ct), ct);

        foreach (var (query, answerable) in questions)
        {
            var relevant = dataset.Qrels[query.Id];
            var gold = dataset.Answers.GetValueOrDefault(query.Id);
            AnswerOutcome Outcome(Answer a) => new(answerable, a.Answered, a.FirstDocument is { } d && relevant.GetValueOrDefault(d) > 0)
            {
                SpanRecall = answerable && a.Answered && gold is not null ? AnswerMetrics.SpanRecall(gold, a.Text) : null,
            };

            // The search alone, as a client's search call runs it (timed for the latency ratio).
            var clock = Stopwatch.StartNew();
            var searched = await retriever.SearchAsync(Request(query.Text, options.Top) with { ApplyFloor = false }, ct);
            searchMs.Add(clock.Elapsed.TotalMilliseconds);
            var topDense = searched.Hits.Concat(searched.Rejected).Max(h => h.DenseScore) ?? 0;
            features.Add((answerable, Rag.Evidence.EvidenceFeatures.Of(query.Text, searched.Candidates).Values));

            // The platform's answer path, as every channel runs it.
            clock.Restart();
            var real = await CollectAsync(enforcer.EnforceAsync(securityPolicy, answers.AskAsync(Request(query.Text, null), answerPolicy, ct), new PolicyActions(), ct), ct);
            answerMs.Add(clock.Elapsed.TotalMilliseconds);

            // Answering everything: the answerer's passage on the best evidence, nothing held back.
            var forced = Forced(query.Text, searched.Hits);
            var naiveAnswer = topDense >= options.MinSimilarity ? forced : Answer.None;

            everything.Add(Outcome(forced) with { Confidence = topDense, NaiveConfidence = topDense });
            naive.Add(Outcome(naiveAnswer) with { Confidence = topDense, NaiveConfidence = topDense });
            platform.Add(Outcome(real) with { Confidence = real.Confidence, NaiveConfidence = topDense });
            perQuestion.Add(new
            {
                id = query.Id,
                answerable,
                topDense,
                confidence = real.Confidence,
                status = real.Status,
                firstCitation = real.FirstDocument,
                forcedFirstCitation = forced.FirstDocument,
                spanRecall = platform[^1].SpanRecall,
                forcedCorrect = everything[^1].FirstCitationRelevant,
                features = withEvidence ? features[^1].Values : null,
                indexFusedTop = withEvidence && searched.Candidates.Count > 0 ? searched.Candidates[0].Score : (double?)null,
                topKeywordRankOfDenseTop = withEvidence ? searched.Candidates.OrderByDescending(c => c.DenseScore ?? 0).FirstOrDefault()?.KeywordRank : null,
                evidence = withEvidence ? await EvidenceAsync(query.Text, searched, relevant, ct) : null,
            });
            progress.Report(1);
        }
        return new AnswerEvaluationResult(
            AnswerMetrics.Summarise(everything), AnswerMetrics.Summarise(naive), AnswerMetrics.Summarise(platform), options.MinSimilarity,
            Timing.Of("search", searchMs), Timing.Of("answer", answerMs), perQuestion)
        {
            Judged = features,
            FeatureAucs = Rag.Evidence.EvidenceFeatures.Names.Select((name, j) => (name, AnswerMetrics.Auc(
                features.Select(f => new AnswerOutcome(f.Answerable, false, false) { Confidence = f.Values[j] }).ToList(), o => o.Confidence))).ToDictionary(),
        };
    }

    /// <summary>The top fused candidates with what a gate could read from them (for gate studies, --with-candidates).</summary>
    private async Task<object> EvidenceAsync(string question, RetrievalResult searched, IReadOnlyDictionary<string, int> relevant, CancellationToken ct)
    {
        var model = run.Services.GetRequiredService<Core.Ports.EmbeddingModelRegistry>().Default;
        var top = searched.Hits.Take(10).ToList();
        var texts = new List<string> { model.Card.QueryPrefix + question };
        texts.AddRange(top.Select(h => h.Chunk.DocumentTitle));
        texts.AddRange(top.Select(h => model.Card.QueryPrefix + h.Chunk.DocumentTitle));
        var vectors = (await model.Generator.GenerateAsync(texts, cancellationToken: ct)).Select(e => e.Vector.ToArray()).ToList();
        double Cos(float[] a, float[] b) => System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(a, b);
        return top.Select((h, i) => new
        {
            doc = h.Chunk.DocumentId,
            relevant = relevant.GetValueOrDefault(h.Chunk.DocumentId) > 0,
            title = h.Chunk.DocumentTitle,
            text = h.Chunk.Text.Length > 1500 ? h.Chunk.Text[..1500] : h.Chunk.Text,
            fused = h.Score,
            dense = h.DenseScore,
            denseRank = h.DenseRank,
            keyword = h.KeywordScore,
            keywordRank = h.KeywordRank,
            titleSim = Cos(vectors[0], vectors[1 + i]),
            titleSimAsQuery = Cos(vectors[0], vectors[1 + top.Count + i]),
        }).ToList();
    }

    /// <summary>The security policy a tenant of this vertical starts with (its template).</summary>
    internal static SecurityPolicy SecurityPolicyOf(Vertical vertical) => vertical switch
    {
        Vertical.Medical => PolicyTemplates.MedicalStrict,
        Vertical.CustomerService => PolicyTemplates.CustomerServiceStandard,
        _ => PolicyTemplates.Default,
    };

    private RetrievalRequest Request(string question, int? top) =>
        new(EvaluationRun.Tenant, [EvaluationRun.KnowledgeBase], question)
        {
            Top = top, Settings = Fusion is null ? null : new RetrievalSettings { DenseWeight = Fusion.Calibration.DenseWeight },
        };

    private sealed record Answer(bool Answered, string Text, string? FirstDocument, string Status, double? Confidence)
    {
        public static readonly Answer None = new(false, "", null, "abstained", null);
    }

    private static Answer Forced(string question, IReadOnlyList<RetrievedChunk> evidence) =>
        PassageSelector.Select(question, evidence, minCoverage: 0) is { Count: > 0 } passages
            ? new Answer(true, string.Join("\n", passages.Select(p => p.Display)), passages[0].Evidence.Chunk.DocumentId, "answered", null)
            : Answer.None;

    private static async Task<Answer> CollectAsync(IAsyncEnumerable<AnswerEvent> events, CancellationToken ct)
    {
        var (text, citations, done) = await CollectedAnswer.CollectAsync(events, ct);
        var answered = done?.Status == AnswerStatus.Answered;
        return new Answer(answered, text, answered && citations.Count > 0 ? citations[0].DocumentId : null, done?.Status.ToString() ?? "none", done?.EvidenceConfidence);
    }
}
