using System.Text;
using System.Text.Json;
using KnowledgePlatform.Rag.Answering;

namespace KnowledgePlatform.Server.Audit;

/// <summary>
/// An audit record in words: what the action was called ("Document uploaded") and one line of what it did
/// ("“When does the office open?” → answered, 2 passages cited"), for the audit page and its CSV export.
/// </summary>
public static class AuditSummary
{
    private static readonly Dictionary<string, string> Labels = new(StringComparer.Ordinal)
    {
        ["ask"] = "Question answered",
        ["answer"] = "Clinical answer",
        ["evidence"] = "Clinical evidence",
        ["chat.completion"] = "Chat completion",
        ["search"] = "Search",
        ["feedback"] = "Visitor feedback",
        ["handoff"] = "Handoff to a person",
        ["key.create"] = "API key created",
        ["key.revoke"] = "API key revoked",
        ["policy.update"] = "Tenant policy changed",
        ["widget.settings"] = "Widget settings changed",
        ["kb.export"] = "Knowledge base exported",
        ["kb.import"] = "Knowledge base imported",
    };

    /// <summary>"document.metadata.updated" → "Document metadata updated", unless the action has a name of its own.</summary>
    public static string Label(string action)
    {
        if (Labels.TryGetValue(action, out var label)) return label;
        var words = action.Replace('.', ' ').Replace('_', ' ').Trim();
        return words.Length == 0 ? action : char.ToUpperInvariant(words[0]) + words[1..];
    }

    /// <summary>An answer status as people read it, whether the record holds its number or its name.</summary>
    public static string? Status(JsonElement status) => status.ValueKind switch
    {
        JsonValueKind.Number when status.TryGetInt32(out var n) && Enum.IsDefined((AnswerStatus)n) => Words(((AnswerStatus)n).ToString()),
        JsonValueKind.String => Words(status.GetString()!),
        _ => null,
    };

    /// <summary>One line of what the action did, from its detail.</summary>
    public static string Of(string action, JsonElement? detail)
    {
        if (detail is not { ValueKind: JsonValueKind.Object } d) return "";
        var question = Text(d, "question") ?? Text(d, "query");
        if (question is not null)
        {
            var parts = new List<string>();
            if (d.TryGetProperty("status", out var status) && Status(status) is { } readable) parts.Add(readable);
            if (Count(d, "cited") is > 0 and var cited) parts.Add($"{cited} passage{(cited == 1 ? "" : "s")} cited");
            if (Count(d, "hits") is { } hits) parts.Add($"{hits} hit{(hits == 1 ? "" : "s")}");
            return $"“{Shorten(question, 160)}”{(parts.Count > 0 ? " → " + string.Join(", ", parts) : "")}";
        }
        // Anything else: its simple fields, named in words.
        var fields = new StringBuilder();
        foreach (var property in d.EnumerateObject())
        {
            var value = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => property.Value.GetRawText(),
                JsonValueKind.Array when property.Value.GetArrayLength() is > 0 and <= 10 && property.Value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String) =>
                    string.Join(", ", property.Value.EnumerateArray().Select(v => v.GetString())),
                _ => null,
            };
            if (string.IsNullOrEmpty(value)) continue;
            if (fields.Length > 0) fields.Append(" · ");
            fields.Append(Words(property.Name)).Append(": ").Append(value);
        }
        return Shorten(fields.ToString(), 240);
    }

    private static string? Text(JsonElement detail, string name) =>
        detail.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Count(JsonElement detail, string name) =>
        detail.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? value.GetArrayLength() : null;

    /// <summary>"InsufficientEvidence", "insufficient_evidence", "fileName" → "insufficient evidence", "file name".</summary>
    private static string Words(string name)
    {
        var words = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c is '_' or '-') { words.Append(' '); continue; }
            if (char.IsUpper(c) && i > 0 && name[i - 1] is not ('_' or '-' or ' ')) words.Append(' ');
            words.Append(char.ToLowerInvariant(c));
        }
        return words.ToString();
    }

    private static string Shorten(string text, int length) => text.Length <= length ? text : text[..length] + "…";
}
