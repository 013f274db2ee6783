namespace KnowledgePlatform.Rag.Orchestration;

/// <summary>How well the sources a sentence cites support what it states.</summary>
/// <param name="Score">Share of the sentence's content words found in the cited sources (1 when it has none but numbers).</param>
/// <param name="MissingNumbers">Numbers of the sentence that no cited source contains.</param>
/// <param name="MissingNames">Names of the sentence (acronyms, codes, capitalised words) that neither the cited sources nor the question contain.</param>
public sealed record SupportScore(double Score, IReadOnlyList<string> MissingNumbers, IReadOnlyList<string> MissingNames)
{
    public bool Supported => MissingNumbers.Count == 0 && MissingNames.Count == 0 && Score >= ClaimSupport.Threshold;
}
