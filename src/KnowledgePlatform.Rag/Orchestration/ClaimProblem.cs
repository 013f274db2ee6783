namespace KnowledgePlatform.Rag.Orchestration;

/// <summary>Why a sentence of a model's answer was not kept.</summary>
public enum ClaimProblem
{
    None,
    /// <summary>No marker closes it.</summary>
    Uncited,
    /// <summary>It cites a number that matches no retrieved chunk.</summary>
    CitesUnretrieved,
    /// <summary>What it states is not in what it cites: a number missing, or too few of its words (<see cref="ClaimSupport"/>).</summary>
    Unsupported,
}
