using KnowledgePlatform.Core.Ports;

namespace KnowledgePlatform.Infrastructure.Files;

/// <summary>Original files under {DataPath}/files/{tenant}/; keys are paths relative to that folder.</summary>
public sealed class LocalFileStore(string root) : IFileStore
{
    public async Task<string> SaveAsync(string tenantId, string fileName, Stream content, CancellationToken cancellationToken)
    {
        var safeName = string.Concat(Path.GetFileName(fileName).Select(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_'));
        var key = Path.Combine(Sanitize(tenantId), $"{Guid.NewGuid():N}-{safeName}");
        var path = FullPath(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // Write to a temporary name first so a crash never leaves a half file under the real key.
        var temp = path + ".partial";
        await using (var target = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
        {
            await content.CopyToAsync(target, cancellationToken);
        }
        File.Move(temp, path);
        return key;
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(new FileStream(FullPath(key), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true));

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        File.Delete(FullPath(key));
        return Task.CompletedTask;
    }

    private string FullPath(string key)
    {
        var full = Path.GetFullPath(Path.Combine(root, key));
        if (!full.StartsWith(Path.GetFullPath(root), StringComparison.Ordinal))
            throw new ArgumentException("The file key points outside the file store.", nameof(key));
        return full;
    }

    private static string Sanitize(string segment) => string.Concat(segment.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
}
