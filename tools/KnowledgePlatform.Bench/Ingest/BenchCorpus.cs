using System.Text.Json;
using KnowledgePlatform.Cli;

namespace KnowledgePlatform.Bench.Ingest;

/// <summary>One document of a BEIR corpus.jsonl ({"_id"|"id", "title", "text"}).</summary>
internal sealed record CorpusDocument(string Id, string Title, string Text)
{
    /// <summary>The document as the plain-text file the benchmark uploads: title line (if any), blank line, text.</summary>
    public string FileText => Title.Length > 0 ? $"{Title}\n\n{Text}" : Text;
}

internal static class BenchCorpus
{
    /// <summary>The PubMedQA corpus in the workspace's shared benchmark data, when there is one above the current folder.</summary>
    public static string? FindDefault()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "bench", "pubmedqa");
            if (File.Exists(Path.Combine(candidate, "corpus.jsonl"))) return candidate;
        }
        return null;
    }

    public static async Task<IReadOnlyList<CorpusDocument>> LoadAsync(string folder, int limit, CancellationToken cancellationToken)
    {
        var path = Path.Combine(folder, "corpus.jsonl");
        if (!File.Exists(path)) throw new CliException($"No corpus.jsonl in '{folder}' (expected the BEIR layout).");
        var documents = new List<CorpusDocument>();
        await foreach (var line in File.ReadLinesAsync(path, cancellationToken))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            var id = (root.TryGetProperty("_id", out var a) ? a : root.GetProperty("id")).ToString();
            var title = root.TryGetProperty("title", out var t) ? t.GetString() ?? "" : "";
            var text = root.TryGetProperty("text", out var x) ? x.GetString() ?? "" : "";
            if (text.Trim().Length == 0) continue;
            documents.Add(new CorpusDocument(id, title.Trim(), text.Trim()));
            if (limit > 0 && documents.Count == limit) break;
        }
        return documents;
    }
}
