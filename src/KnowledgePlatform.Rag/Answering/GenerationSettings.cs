namespace KnowledgePlatform.Rag.Answering;

/// <summary>Sampling settings of a generative model; with temperature 0 and a seed, the same evidence gives the same answer.</summary>
public sealed record GenerationSettings(float Temperature, long Seed)
{
    public static readonly GenerationSettings Deterministic = new(0, 42);
}
