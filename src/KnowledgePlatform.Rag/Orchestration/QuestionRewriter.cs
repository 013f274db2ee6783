using KnowledgePlatform.Core.Domain;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;

namespace KnowledgePlatform.Rag.Orchestration;

/// <summary>
/// Turns a follow-up ("and for children?") into a question that stands on its own, using the conversation,
/// so retrieval searches for what is meant. Without a chat model, or without history, the question is kept.
/// </summary>
public sealed class QuestionRewriter(IChatClient? chat, PromptLibrary prompts)
{
    private const int MaxAnswerChars = 600;

    public async Task<string> RewriteAsync(Kernel kernel, string question, IReadOnlyList<ConversationTurn> history, CancellationToken cancellationToken)
    {
        if (chat is null || history.Count == 0) return question;
        var transcript = string.Join("\n", history.Select(t =>
            $"User: {t.Question}\nAssistant: {(t.Answer.Length > MaxAnswerChars ? t.Answer[..MaxAnswerChars] + "…" : t.Answer)}"));
        var messages = await prompts.Rewrite.MessagesAsync(kernel, new KernelArguments { ["history"] = transcript, ["question"] = question }, cancellationToken);
        var response = await chat.GetResponseAsync(messages, new ChatOptions { MaxOutputTokens = 128, Temperature = 0 }, cancellationToken);
        return Clean(response.Text) is { Length: > 0 and <= 2000 } rewritten ? rewritten : question;
    }

    /// <summary>The first line of the reply, without a label or quotes a model may add.</summary>
    internal static string Clean(string reply)
    {
        var line = reply.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
        foreach (var label in new[] { "Standalone question:", "Rewritten question:", "Question:" })
        {
            if (line.StartsWith(label, StringComparison.OrdinalIgnoreCase)) line = line[label.Length..].Trim();
        }
        return line.Trim('"', '\'', '“', '”', ' ');
    }
}
