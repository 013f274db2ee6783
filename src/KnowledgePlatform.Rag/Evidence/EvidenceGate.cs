using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Rag.Retrieval;

namespace KnowledgePlatform.Rag.Evidence;

/// <summary>The gate's verdict on the evidence for one question.</summary>
/// <param name="Confidence">How likely the evidence answers the question, 0 to 1.</param>
/// <param name="Answers">Whether the confidence reaches the knowledge base's operating point.</param>
public sealed record EvidenceAssessment(double Confidence, bool Answers, EvidenceFeatures Features);

/// <summary>
/// Decides, before any answer is written, whether the retrieved evidence answers the question: a logistic model over
/// <see cref="EvidenceFeatures"/> with the knowledge base's calibration (or its vertical's default until it has one).
/// </summary>
public static class EvidenceGate
{
    public static EvidenceAssessment Assess(string question, IReadOnlyList<RetrievedChunk> pool, EvidenceGateCalibration calibration)
    {
        var features = EvidenceFeatures.Of(question, pool);
        var confidence = pool.Count == 0 ? 0 : Confidence(features.Values, calibration);
        return new EvidenceAssessment(confidence, confidence >= calibration.Threshold, features);
    }

    public static double Confidence(IReadOnlyList<double> values, EvidenceGateCalibration calibration)
    {
        var z = calibration.Bias;
        for (var i = 0; i < values.Count && i < calibration.Weights.Count; i++) z += calibration.Weights[i] * values[i];
        return 1 / (1 + Math.Exp(-z));
    }
}
