namespace KnowledgePlatform.Core.Ports;

/// <summary>Where original uploaded files live: a local folder now, an object store later.</summary>
public interface IFileStore
{
    /// <summary>Stores the content and returns the key to read it back with.</summary>
    Task<string> SaveAsync(string tenantId, string fileName, Stream content, CancellationToken cancellationToken);

    Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken);

    Task DeleteAsync(string key, CancellationToken cancellationToken);
}
