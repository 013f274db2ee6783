namespace KnowledgePlatform.Server.CdsHooks;

/// <summary>A drafted medication order: its id in the draft Bundle, its name as ordered, and the drug it names.</summary>
public sealed record DraftMedication(string Reference, string Ordered, string Drug);
