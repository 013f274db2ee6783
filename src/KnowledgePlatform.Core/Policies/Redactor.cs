namespace KnowledgePlatform.Core.Policies;

/// <summary>Applies a policy's redaction rules to text.</summary>
public sealed class Redactor(IEnumerable<RedactionRule>? extraRules = null)
{
    private readonly IReadOnlyList<RedactionRule> _rules = [.. RedactionRules.BuiltIn, .. extraRules ?? []];

    /// <summary>The text with every match of the policy's rules replaced, and how many replacements were made.</summary>
    public (string Text, int Redactions) Redact(string text, SecurityPolicy policy)
    {
        var count = 0;
        foreach (var rule in _rules)
        {
            if (!policy.Redact.Contains(rule.Name, StringComparer.OrdinalIgnoreCase)) continue;
            text = rule.Pattern.Replace(text, m =>
            {
                if (rule.Accept is { } accept && !accept(m.Value)) return m.Value;
                count++;
                return m.Result(rule.Replacement);
            });
        }
        return (text, count);
    }
}
