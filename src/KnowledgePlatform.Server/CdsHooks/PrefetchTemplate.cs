using System.Text.Json;

namespace KnowledgePlatform.Server.CdsHooks;

/// <summary>
/// Fills a prefetch template's tokens from the hook's context, as a CDS client would, to read what the client did not
/// prefetch: <c>{{context.x}}</c> (a root-level primitive of the context) and the user tokens
/// <c>{{userPractitionerId}}</c>, <c>{{userPractitionerRoleId}}</c>, <c>{{userPatientId}}</c>, <c>{{userRelatedPersonId}}</c>
/// taken from <c>context.userId</c>. A token that cannot be filled leaves the template unusable (null).
/// </summary>
public static class PrefetchTemplate
{
    private static readonly Dictionary<string, string> UserTokens = new(StringComparer.Ordinal)
    {
        ["userPractitionerId"] = "Practitioner",
        ["userPractitionerRoleId"] = "PractitionerRole",
        ["userPatientId"] = "Patient",
        ["userRelatedPersonId"] = "RelatedPerson",
    };

    public static string? Expand(string template, JsonElement context)
    {
        var result = new System.Text.StringBuilder();
        var at = 0;
        while (at < template.Length)
        {
            var open = template.IndexOf("{{", at, StringComparison.Ordinal);
            if (open < 0) break;
            var close = template.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0) return null;
            result.Append(template, at, open - at);
            var value = Token(template[(open + 2)..close].Trim(), context);
            if (value is null) return null;
            result.Append(Uri.EscapeDataString(value));
            at = close + 2;
        }
        return result.Append(template, at, template.Length - at).ToString();
    }

    private static string? Token(string token, JsonElement context)
    {
        if (context.ValueKind != JsonValueKind.Object) return null;
        if (token.StartsWith("context.", StringComparison.Ordinal))
        {
            // Only root-level primitives are tokens (the specification's rule): no dots below context.
            var name = token["context.".Length..];
            if (name.Length == 0 || name.Contains('.', StringComparison.Ordinal) || !context.TryGetProperty(name, out var field)) return null;
            return field.ValueKind switch
            {
                JsonValueKind.String => field.GetString() is { Length: > 0 } s ? s : null,
                JsonValueKind.Number => field.GetRawText(),
                _ => null,
            };
        }
        if (!UserTokens.TryGetValue(token, out var type)) return null;
        if (!context.TryGetProperty("userId", out var user) || user.ValueKind != JsonValueKind.String) return null;
        var reference = user.GetString()!;
        var slash = reference.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && reference[..slash] == type && slash < reference.Length - 1 ? reference[(slash + 1)..] : null;
    }
}
