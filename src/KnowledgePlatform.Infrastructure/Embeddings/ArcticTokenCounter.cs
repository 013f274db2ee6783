using KnowledgePlatform.Core.Ports;

namespace KnowledgePlatform.Infrastructure.Embeddings;

/// <summary>
/// Counts tokens with Arctic's WordPiece tokenizer (no model loaded). Chunk sizes are measured with it
/// whatever model embeds a knowledge base: for a model with a larger window it errs on the small side.
/// </summary>
public sealed class ArcticTokenCounter : ITokenCounter
{
    public int CountTokens(string text) => ArcticWordPiece.Shared.Count(text);
}
