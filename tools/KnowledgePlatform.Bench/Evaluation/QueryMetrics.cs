using KnowledgePlatform.Rag.Calibration;

namespace KnowledgePlatform.Bench.Evaluation;

/// <summary>One query's figures.</summary>
public sealed record QueryMetrics(double Ndcg10, double Recall10, double Recall100, double Mrr10);
