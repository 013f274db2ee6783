namespace KnowledgePlatform.Ingestion.Extraction;

/// <summary>
/// The content as a seekable stream starting at offset 0: the caller's stream when it already is one,
/// else a temporary file (deleted on dispose), so large uploads never sit in memory.
/// </summary>
internal sealed class SeekableContent : IAsyncDisposable
{
    private readonly bool owned;

    private SeekableContent(Stream stream, bool owned)
    {
        Stream = stream;
        this.owned = owned;
    }

    public Stream Stream { get; }

    /// <summary>Opens the content; a 0-byte stream is an <c>empty_file</c> error.</summary>
    public static async Task<SeekableContent> OpenAsync(Stream content, CancellationToken cancellationToken)
    {
        if (content.CanSeek && content.Position == 0)
        {
            return content.Length == 0 ? throw Text.EmptyFile() : new SeekableContent(content, owned: false);
        }

        var path = Path.Combine(Path.GetTempPath(), "kp-" + Path.GetRandomFileName());
        var temp = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
        try
        {
            await content.CopyToAsync(temp, cancellationToken);
            if (temp.Length == 0)
            {
                throw Text.EmptyFile();
            }

            temp.Position = 0;
            return new SeekableContent(temp, owned: true);
        }
        catch
        {
            await temp.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => owned ? Stream.DisposeAsync() : ValueTask.CompletedTask;
}
