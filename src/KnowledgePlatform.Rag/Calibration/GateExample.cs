namespace KnowledgePlatform.Rag.Calibration;

/// <summary>One pseudo-question asked twice: its features with its (masked) source present, and with its document gone.</summary>
public sealed record GateExample(PseudoQuestion Question, double[] Answerable, double[] Unanswerable);
