using KnowledgePlatform.Rag.Orchestration;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;

namespace KnowledgePlatform.Rag.Retrieval;

/// <summary>
/// Turns a follow-up ("and for children?") into a question that stands on its own, from the conversation so
/// far, so retrieval searches for what is meant. The one rewriter of the platform: the search API (history
/// given by the caller) and the answer service (history from the stored conversation) both use it, with the
/// editable rewrite prompt. Without a generative model a follow-up that leans on the earlier turn is searched
/// with that turn's question (<see cref="FollowUpQuestion"/>); without history, or when the model fails or
/// rambles, the question is kept as asked.
/// </summary>
public sealed class QueryRewriter(IChatClient? chat, PromptLibrary prompts, ILogger<QueryRewriter> logger)
{
    /// <summary>Turns older than this are not sent (the conversation default, AnsweringOptions.HistoryTurns); the last ones carry the references.</summary>
    private const int MaxTurns = 6;

    private const int MaxAnswerChars = 600;

    public bool Enabled => chat is not null;

    public async Task<string> RewriteAsync(string question, IReadOnlyList<HistoryTurn>? history, CancellationToken cancellationToken)
    {
        if (history is not { Count: > 0 }) return question;
        if (chat is null) return FollowUpQuestion.Standalone(question, history[^1]);
        var transcript = string.Join("\n", history.TakeLast(MaxTurns).Select(t =>
            $"User: {t.Question}\nAssistant: {(t.Answer.Length > MaxAnswerChars ? t.Answer[..MaxAnswerChars] + "…" : t.Answer)}"));
        try
        {
            var messages = await prompts.Rewrite.MessagesAsync(new Kernel(), new KernelArguments { ["history"] = SourceFence.Body(transcript), ["question"] = question }, cancellationToken);
            var response = await chat.GetResponseAsync(messages, new ChatOptions { MaxOutputTokens = 128, Temperature = 0 }, cancellationToken);
            // An empty or rambling answer is worse than the original question.
            return Clean(response.Text) is { Length: > 0 and <= 500 } rewritten ? rewritten : question;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Rewriting a follow-up failed; searching the question as asked");
            return question;
        }
    }

    /// <summary>The first line of the reply's answer (never of its reasoning), without a label or quotes a model may add.</summary>
    internal static string Clean(string reply)
    {
        var line = ReasoningFilter.Strip(reply).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
        foreach (var label in new[] { "Standalone question:", "Rewritten question:", "Standalone query:", "Question:", "Query:" })
        {
            if (line.StartsWith(label, StringComparison.OrdinalIgnoreCase)) line = line[label.Length..].Trim();
        }
        return line.Trim('"', '\'', '“', '”', ' ');
    }
}
