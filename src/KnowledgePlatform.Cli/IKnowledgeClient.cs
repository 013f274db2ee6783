using KnowledgePlatform.Rag.Answering;

namespace KnowledgePlatform.Cli;

/// <summary>What the commands need from the platform; served by the embedded stores or by a server over HTTP.</summary>
public interface IKnowledgeClient : IAsyncDisposable
{
    /// <summary>Submits the files and reports each one's progress until all are ready or failed.</summary>
    Task<IReadOnlyList<IngestOutcome>> IngestAsync(string knowledgeBase, IReadOnlyList<string> files, IProgress<IngestProgress> progress, CancellationToken cancellationToken);

    Task<IReadOnlyList<SearchHit>> SearchAsync(string knowledgeBase, string query, int top, CancellationToken cancellationToken);

    IAsyncEnumerable<AnswerEvent> AskAsync(string knowledgeBase, string question, CancellationToken cancellationToken);
}
