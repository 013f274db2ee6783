using KnowledgePlatform.Core.Ports;

namespace KnowledgePlatform.Rag.Calibration;

/// <summary>One pseudo-question's candidate lists with its source chunks masked, and the documents it should find.</summary>
public sealed record FusionExample(PseudoQuestion Question, IReadOnlyList<ChunkHit> Dense, IReadOnlyList<ChunkHit> Keyword, IReadOnlyDictionary<string, int> Relevant);
