namespace KnowledgePlatform.Rag.Answering;

/// <summary>A whole answer: its text, its citations and how it ended (null when the stream stopped early).</summary>
public sealed record CollectedAnswer(string Text, IReadOnlyList<Citation> Citations, AnswerCompleted? Done)
{
    public static async Task<CollectedAnswer> CollectAsync(IAsyncEnumerable<AnswerEvent> events, CancellationToken cancellationToken)
    {
        var text = new System.Text.StringBuilder();
        IReadOnlyList<Citation> citations = [];
        AnswerCompleted? done = null;
        await foreach (var e in events.WithCancellation(cancellationToken))
        {
            switch (e)
            {
                case AnswerDelta d: text.Append(d.Text); break;
                case AnswerCitations c: citations = c.Citations; break;
                case AnswerCompleted c: done = c; break;
            }
        }
        return new CollectedAnswer(text.ToString(), citations, done);
    }
}
