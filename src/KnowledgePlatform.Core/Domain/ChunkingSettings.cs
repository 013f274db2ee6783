namespace KnowledgePlatform.Core.Domain;

/// <summary>How documents are cut into chunks; sizes are in embedding-model tokens.</summary>
public sealed record ChunkingSettings(int MaxTokens, int OverlapTokens)
{
    public static ChunkingSettings For(Vertical vertical) => vertical switch
    {
        // Guidelines are dense: smaller chunks keep one recommendation per chunk.
        Vertical.Medical => new(MaxTokens: 256, OverlapTokens: 32),
        // Support content is short Q&A and steps: keep a whole procedure together.
        Vertical.CustomerService => new(MaxTokens: 320, OverlapTokens: 24),
        _ => new(MaxTokens: 300, OverlapTokens: 30),
    };
}
