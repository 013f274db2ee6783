namespace KnowledgePlatform.Rag.Evidence;

/// <summary>The gate's verdict on the evidence for one question.</summary>
/// <param name="Confidence">How likely the evidence answers the question, 0 to 1.</param>
/// <param name="Answers">Whether the confidence reaches the knowledge base's operating point.</param>
public sealed record EvidenceAssessment(double Confidence, bool Answers, EvidenceFeatures Features);
