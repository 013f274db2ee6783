using KnowledgePlatform.Core.Ports;

namespace KnowledgePlatform.Infrastructure.Files;

/// <summary>Original files under {DataPath}/files/, at the path of their key.</summary>
public sealed class LocalFileStore(string root) : IFileStore
{
    private readonly string _root = Path.GetFullPath(root);

    public async Task SaveAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        var path = FullPath(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // Write to a temporary name first so a crash never leaves a half file under the real key.
        var temp = path + ".partial";
        try
        {
            await using (var target = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                await content.CopyToAsync(target, cancellationToken);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            // A full disk or a cancelled upload leaves no half-written file behind.
            try
            {
                File.Delete(temp);
            }
            catch (IOException)
            {
                // the original failure is the one to report
            }
            throw;
        }
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(new FileStream(FullPath(key), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true));

    /// <summary>
    /// Deletes the folder and everything in it. A writer still finishing there (a sync whose source was just removed, an
    /// upload) can add a file between the listing and the removal of the folder ("directory not empty"): the delete is
    /// tried again, a few times, a little later each time.
    /// </summary>
    public async Task DeleteFolderAsync(string prefix, CancellationToken cancellationToken)
    {
        var folder = FullPath(prefix);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
                return;
            }
            catch (DirectoryNotFoundException)
            {
                return;
            }
            catch (IOException) when (attempt < 5)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt), cancellationToken);
            }
        }
    }

    private string FullPath(string key)
    {
        var full = Path.GetFullPath(Path.Combine(_root, key));
        if (!full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException("The file key points outside the file store.", nameof(key));
        return full;
    }
}
