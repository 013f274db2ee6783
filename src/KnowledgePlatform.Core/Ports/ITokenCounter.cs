namespace KnowledgePlatform.Core.Ports;

/// <summary>Counts tokens the way the embedding model's own tokenizer does, so chunks fit the model.</summary>
public interface ITokenCounter
{
    int CountTokens(string text);
}
