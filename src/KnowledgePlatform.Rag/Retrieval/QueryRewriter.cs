using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace KnowledgePlatform.Rag.Retrieval;

/// <summary>An earlier exchange of a conversation, given so a follow-up question can be understood.</summary>
public sealed record HistoryTurn(string Question, string Answer);

/// <summary>
/// Turns a follow-up question ("and for children?") into a standalone search query using the
/// conversation so far, when a generative model (an <see cref="IChatClient"/>) is configured. Without a
/// model, without history, or when the model fails, the question is searched as asked.
/// </summary>
public sealed class QueryRewriter(IChatClient? chat, ILogger<QueryRewriter> logger)
{
    private const string Instructions =
        "You rewrite the user's last question into one standalone search query for a knowledge base, " +
        "resolving pronouns and references from the conversation. Keep the user's language and key terms. " +
        "Answer with the query only, no quotes, no explanation.";

    /// <summary>Turns older than this are not sent; the last ones carry the references.</summary>
    private const int MaxTurns = 4;

    public bool Enabled => chat is not null;

    public async Task<string> RewriteAsync(string question, IReadOnlyList<HistoryTurn>? history, CancellationToken cancellationToken)
    {
        if (chat is null || history is not { Count: > 0 }) return question;
        List<ChatMessage> messages = [new(ChatRole.System, Instructions)];
        foreach (var turn in history.TakeLast(MaxTurns))
        {
            messages.Add(new ChatMessage(ChatRole.User, turn.Question));
            messages.Add(new ChatMessage(ChatRole.Assistant, turn.Answer));
        }
        messages.Add(new ChatMessage(ChatRole.User, $"Rewrite as a standalone search query: {question}"));
        try
        {
            var response = await chat.GetResponseAsync(messages, new ChatOptions { Temperature = 0, MaxOutputTokens = 96 }, cancellationToken);
            var rewritten = response.Text.Trim().Trim('"', '\'', '“', '”').Trim();
            // An empty or rambling answer is worse than the original question.
            return rewritten.Length is > 0 and <= 500 && !rewritten.Contains('\n', StringComparison.Ordinal) ? rewritten : question;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Query rewriting failed; searching the question as asked");
            return question;
        }
    }
}
