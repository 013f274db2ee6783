using System.Security.Cryptography;
using System.Text;

namespace KnowledgePlatform.Ingestion.Sources;

/// <summary>Each item of a source is one document whose id follows from the source and the item's key (URL or path).</summary>
public static class SourceDocuments
{
    /// <summary>
    /// "doc_" and 20 hex digits like every document id, derived from the source and the key: a sync that
    /// resumes after a crash finds the document it was writing instead of making another.
    /// </summary>
    public static string Id(string sourceId, string key) =>
        "doc_" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{sourceId}\n{key}")))[..20].ToLowerInvariant();
}
