namespace KnowledgePlatform.Core.Domain;

/// <summary>Human-readable place of a chunk in its document, for citations.</summary>
public static class Location
{
    public static string Describe(int? page, int? line, string headingPath)
    {
        var parts = new List<string>(3);
        if (page is { } p) parts.Add($"page {p}");
        if (!string.IsNullOrEmpty(headingPath)) parts.Add(headingPath);
        if (parts.Count == 0 && line is { } l) parts.Add($"line {l}");
        return string.Join(", ", parts);
    }
}
