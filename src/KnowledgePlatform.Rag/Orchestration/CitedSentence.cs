namespace KnowledgePlatform.Rag.Orchestration;

/// <summary>One sentence of an answer and the numbers of the citations that support it.</summary>
public sealed record CitedSentence(string Text, IReadOnlyList<int> Citations);
