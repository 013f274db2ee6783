using System.Text.RegularExpressions;

namespace KnowledgePlatform.Core.Policies;

/// <summary>A named pattern whose matches are replaced by a label such as [EMAIL]; <paramref name="Accept"/> may veto a match.</summary>
public sealed record RedactionRule(string Name, Regex Pattern, string Replacement, Func<string, bool>? Accept = null);
