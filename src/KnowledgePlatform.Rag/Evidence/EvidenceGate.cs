using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Text;
using KnowledgePlatform.Rag.Answering.Extractive;
using KnowledgePlatform.Rag.Retrieval;

namespace KnowledgePlatform.Rag.Evidence;

/// <summary>
/// Decides, before any answer is written, whether the retrieved evidence answers the question: a logistic model over
/// <see cref="EvidenceFeatures"/> with the knowledge base's calibration (or its vertical's default until it has one),
/// cut down for every thing the question names that no candidate mentions.
/// </summary>
public static class EvidenceGate
{
    /// <summary>What each named thing of the question that no candidate holds leaves of the confidence.</summary>
    public const double MissingNameFactor = 0.25;

    /// <param name="pool">Every candidate retrieval found for the question, best first.</param>
    public static EvidenceAssessment Assess(string question, IReadOnlyList<RetrievedChunk> pool, EvidenceGateCalibration calibration)
    {
        var features = EvidenceFeatures.Of(question, pool);
        var confidence = pool.Count == 0 ? 0 : Confidence(features.Values, calibration) * Math.Pow(MissingNameFactor, MissingNames(question, pool));
        return new EvidenceAssessment(confidence, confidence >= calibration.Threshold, features);
    }

    /// <summary>
    /// How many things the question names (<see cref="NamedTerms"/>: HomeKit, a 65-inch model, the CEO) that no candidate
    /// mentions. The asker's own values are not things it names: no guideline writes the age of an 83-year-old.
    /// </summary>
    public static int MissingNames(string question, IReadOnlyList<RetrievedChunk> pool)
    {
        var named = NamedTerms.Of(question);
        if (named.Count == 0) return 0;
        var given = NumberConditions.Of(question).Where(v => v.Given).SelectMany(v => v.Written).ToHashSet();
        var held = pool.SelectMany(c => Terms.Of($"{c.Chunk.DocumentTitle} {c.Chunk.HeadingPath} {c.Chunk.Text}")).ToHashSet();
        return named.Count(n => !held.Contains(n) && !given.Contains(n));
    }

    public static double Confidence(IReadOnlyList<double> values, EvidenceGateCalibration calibration)
    {
        var z = calibration.Bias;
        for (var i = 0; i < values.Count && i < calibration.Weights.Count; i++) z += calibration.Weights[i] * values[i];
        return 1 / (1 + Math.Exp(-z));
    }
}
