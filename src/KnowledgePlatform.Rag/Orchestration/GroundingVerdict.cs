namespace KnowledgePlatform.Rag.Orchestration;

/// <summary>One sentence of a model's answer that states something, the sources it cites and whether they support it.</summary>
public sealed record ClaimVerdict(string Text, IReadOnlyList<int> Citations, ClaimProblem Problem, SupportScore? Support)
{
    public bool Kept => Problem == ClaimProblem.None;
}

/// <summary>What the grounding check found in a model's answer.</summary>
/// <param name="Claims">Every sentence that states something, in order, with its verdict.</param>
/// <param name="Text">The answer as it may be shown: the kept claims (with their markers) and the connecting text around them.</param>
/// <param name="NotFound">The model said the sources do not answer the question.</param>
public sealed record GroundingVerdict(IReadOnlyList<ClaimVerdict> Claims, string Text, bool NotFound)
{
    /// <summary>Source numbers the kept claims cite, in order of first use.</summary>
    public IReadOnlyList<int> Cited => Claims.Where(c => c.Kept).SelectMany(c => c.Citations).Distinct().ToList();

    public IReadOnlyList<ClaimVerdict> Dropped => Claims.Where(c => !c.Kept).ToList();

    /// <summary>States something, and every claim is cited and supported by what it cites.</summary>
    public bool Grounded => !NotFound && Claims.Count > 0 && Dropped.Count == 0;
}
