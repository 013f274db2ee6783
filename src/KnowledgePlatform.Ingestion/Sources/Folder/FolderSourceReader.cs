using System.Globalization;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Ingestion.Extraction;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Ingestion.Sources.Folder;

/// <summary>
/// Reads a folder on the server (decision 0080): every file of a supported type below it, hidden files, Office lock
/// files and links excepted (a link could lead out of the allowed folders). A file whose size and write time are
/// what the last sync saw is not opened at all. A folder that is missing (an unmounted share) fails the sync, which
/// then removes nothing.
/// </summary>
public sealed class FolderSourceReader(IOptions<SourceOptions> options) : ISourceReader
{
    /// <summary>The most files one folder source holds.</summary>
    public const int MaxFiles = 100_000;

    public SourceKind Kind => SourceKind.Folder;

    public Task<ISourceSession> OpenAsync(Source source, CancellationToken cancellationToken)
    {
        var path = source.Folder?.Path ?? throw new SourceUnavailableException("The source has no folder settings.");
        if (SourceRules.FolderProblem(path, options.Value.AllowedFolders) is { } problem) throw new SourceUnavailableException(problem + " Nothing was changed.");
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (!Directory.Exists(root))
            throw new SourceUnavailableException($"The folder {root} does not exist or is not mounted on the server that runs syncs; nothing was removed.");
        return Task.FromResult<ISourceSession>(new Session(root));
    }

    private sealed class Session(string root) : ISourceSession
    {
        private static readonly EnumerationOptions Walk = new()
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = true,
            AttributesToSkip = FileAttributes.Hidden | FileAttributes.System | FileAttributes.ReparsePoint,
        };

        private readonly string _name = Path.GetFileName(root);

        public int Limit => MaxFiles;

        public string VanishedReason => "No longer in the folder.";

        public string DocumentName(string key) => $"{_name}/{key}";

        public Task<IReadOnlyList<FrontierEntry>> SeedAsync(CancellationToken ct)
        {
            var files = Directory.EnumerateFiles(root, "*", Walk)
                .Select(f => Path.GetRelativePath(root, f).Replace(Path.DirectorySeparatorChar, '/'))
                .Where(Readable)
                .Order(StringComparer.Ordinal)
                .Select(key => new FrontierEntry(key, 0))
                .ToList();
            return Task.FromResult<IReadOnlyList<FrontierEntry>>(files);
        }

        public Task<ItemRead> ReadAsync(SyncEntry entry, SourceItem? known, CancellationToken ct)
        {
            var file = new FileInfo(Path.Combine(root, entry.Key));
            if (!file.Exists) return Task.FromResult<ItemRead>(new ItemRead.Gone("The file is no longer in the folder."));
            var stamp = string.Create(CultureInfo.InvariantCulture, $"{file.Length}:{file.LastWriteTimeUtc.Ticks}");
            if (known?.LastModified == stamp) return Task.FromResult<ItemRead>(new ItemRead.NotModified([]));
            try
            {
                var body = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
                return Task.FromResult<ItemRead>(new ItemRead.Content(body, FormatDetector.Detect(entry.Key, []), null, stamp, []));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return Task.FromResult<ItemRead>(new ItemRead.Failed($"The file could not be opened: {ex.Message}"));
            }
        }

        /// <summary>A supported type, not hidden, not an Office lock file (~$report.docx).</summary>
        private static bool Readable(string key)
        {
            var name = Path.GetFileName(key);
            return !name.StartsWith('.') && !name.StartsWith("~$", StringComparison.Ordinal) && !key.Split('/').Any(p => p.StartsWith('.'))
                && FormatDetector.Detect(name, []) != FileFormat.Unknown;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
