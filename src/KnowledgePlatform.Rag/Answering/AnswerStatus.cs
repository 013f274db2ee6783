namespace KnowledgePlatform.Rag.Answering;

/// <summary>How an answer ended, for clients that branch on it.</summary>
public enum AnswerStatus
{
    Answered,
    InsufficientEvidence,
    /// <summary>The tenant's policy refused the question (a blocked topic).</summary>
    RefusedByPolicy,
    /// <summary>A model's answer that cites nothing or cites what was not retrieved, delivered (by a non-strict knowledge base) with that warning.</summary>
    Ungrounded,
}
