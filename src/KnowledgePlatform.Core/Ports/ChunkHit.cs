namespace KnowledgePlatform.Core.Ports;

public sealed record ChunkHit(ChunkPayload Chunk, double Score);
