namespace KnowledgePlatform.Core.Ports;

/// <summary>The document-level access rule (decision 0040), in one place for every store and endpoint.</summary>
public static class AccessGroups
{
    /// <summary>
    /// Whether a caller holding <paramref name="callerGroups"/> (null: unrestricted) may see a document
    /// carrying <paramref name="documentGroups"/>: ungrouped documents are visible to all of the tenant,
    /// grouped ones to holders of at least one of their groups.
    /// </summary>
    public static bool CanSee(IReadOnlyList<string> documentGroups, IReadOnlyList<string>? callerGroups) =>
        callerGroups is null || documentGroups.Count == 0 || documentGroups.Any(callerGroups.Contains);

    /// <summary>Trimmed, distinct, validated group names; null with the reason when one is not acceptable.</summary>
    public static (List<string>? Groups, string? Problem) Clean(IEnumerable<string> groups)
    {
        var clean = groups.Select(g => g.Trim()).Where(g => g.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        return clean.Count > 20 || clean.Any(g => g.Length > 64 || g.Any(c => char.IsControl(c) || c == ','))
            ? (null, "Up to 20 groups of at most 64 characters each, without commas.")
            : (clean, null);
    }
}
