using KnowledgePlatform.Core.Domain;

namespace KnowledgePlatform.Rag.Answering;

/// <summary>How a knowledge base wants its answers: the vertical's prompt and strictness. (The disclaimer belongs to the tenant's security policy.)</summary>
public sealed record AnswerPolicy(Vertical Vertical, bool Strict)
{
    public static readonly AnswerPolicy Default = new(Vertical.General, Strict: false);

    public string KnowledgeBaseName { get; init; } = "";

    /// <summary>Sampling settings that override the configured ones (the clinical API asks for temperature 0 and a fixed seed).</summary>
    public GenerationSettings? Generation { get; init; }

    /// <summary>Sentences of the evidence that read as instructions to an assistant are removed from the prompt (the tenant's <c>SecurityPolicy.NeutraliseEmbeddedInstructions</c>).</summary>
    public bool NeutraliseEmbeddedInstructions { get; init; } = true;

    /// <summary>The knowledge base's evidence gate; null: the vertical's default gate.</summary>
    public EvidenceGateCalibration? Gate { get; init; }

    public static AnswerPolicy For(KnowledgeBase kb) => new(kb.Vertical, kb.Strict) { KnowledgeBaseName = kb.Name, Gate = kb.EvidenceGate };
}
