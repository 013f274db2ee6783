using System.ComponentModel.DataAnnotations;

namespace KnowledgePlatform.Rag.Orchestration;

/// <summary>Configuration section "Answering": prompts, history and disclaimer of the grounded answers.</summary>
public sealed class AnsweringOptions
{
    public const string Section = "Answering";

    /// <summary>Folder of the prompt templates; the Prompts folder next to the program when empty.</summary>
    public string? PromptsPath { get; set; }

    /// <summary>Earlier turns of a conversation shown to the model that rewrites a follow-up question.</summary>
    [Range(0, 50)]
    public int HistoryTurns { get; set; } = 6;

    public string FullPromptsPath => Path.GetFullPath(string.IsNullOrWhiteSpace(PromptsPath) ? Path.Combine(AppContext.BaseDirectory, "Prompts") : PromptsPath);
}
