namespace KnowledgePlatform.Core.Ports;

/// <summary>
/// Where original uploaded files live: a local folder now, an object store later. Keys are
/// '/'-separated paths chosen by the caller (see <see cref="FileKeys"/>).
/// </summary>
public interface IFileStore
{
    Task SaveAsync(string key, Stream content, CancellationToken cancellationToken);

    Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Deletes every file whose key starts with <paramref name="prefix"/> + "/".</summary>
    Task DeleteFolderAsync(string prefix, CancellationToken cancellationToken);
}
