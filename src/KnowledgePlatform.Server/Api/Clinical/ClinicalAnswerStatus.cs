namespace KnowledgePlatform.Server.Api.Clinical;

/// <summary>How a clinical answer ended. Clients branch on it; they never need to read the text to know.</summary>
public enum ClinicalAnswerStatus
{
    Answered,
    InsufficientEvidence,
    RefusedByPolicy,
}
