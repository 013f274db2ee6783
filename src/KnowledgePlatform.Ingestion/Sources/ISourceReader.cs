using KnowledgePlatform.Core.Domain;

namespace KnowledgePlatform.Ingestion.Sources;

/// <summary>Reads one kind of source; a session holds what one sync needs throughout (robots.txt, the polite pace).</summary>
public interface ISourceReader
{
    SourceKind Kind { get; }

    /// <summary>Opens a session for one sync; <see cref="SourceUnavailableException"/> when the source cannot be read at all.</summary>
    Task<ISourceSession> OpenAsync(Source source, CancellationToken cancellationToken);
}
