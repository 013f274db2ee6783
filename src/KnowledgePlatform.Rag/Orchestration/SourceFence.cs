using System.Text.RegularExpressions;

namespace KnowledgePlatform.Rag.Orchestration;

/// <summary>
/// Puts retrieved text in the prompt as data: each source inside
/// <c>&lt;source id="1" title="…" location="…"&gt; … &lt;/source&gt;</c>. Whatever in the text could close or fake
/// a fence, or be read by the model's tokenizer as a turn of the conversation (<c>&lt;/source&gt;</c>,
/// <c>&lt;|im_start|&gt;</c>, <c>[INST]</c>, <c>&lt;&lt;SYS&gt;&gt;</c>, <c>&lt;/s&gt;</c>, <c>&lt;think&gt;</c>), has its
/// bracket escaped, always, whatever the policy: a llama.cpp tokenizer turns such text into the real control
/// token. Other markup (<c>&lt;b&gt;</c>, <c>&amp;</c>) is left as written.
/// </summary>
public static partial class SourceFence
{
    [GeneratedRegex(@"<(?=\s*/?\s*(?:sources?|conversation|think(?:ing)?|start_of_turn|end_of_turn|s)\s*[\s>/])", RegexOptions.IgnoreCase)]
    private static partial Regex FenceLikeTag();

    [GeneratedRegex(@"<\||\|>|<</?SYS>>|\[(?=/?(?:INST|SYSTEM_PROMPT|AVAILABLE_TOOLS|TOOL_CALLS|TOOL_RESULTS)\])", RegexOptions.IgnoreCase)]
    private static partial Regex ChatTemplateToken();

    /// <summary>One source, fenced.</summary>
    public static string Source(int id, string title, string location, string text) =>
        $"<source id=\"{id}\" title=\"{Attribute(title)}\" location=\"{Attribute(location)}\">\n{Body(text.Trim())}\n</source>";

    /// <summary>Text that goes inside a fence: nothing in it can end the fence or open a turn.</summary>
    public static string Body(string text)
    {
        var fenced = FenceLikeTag().Replace(text, "&lt;");
        return ChatTemplateToken().Replace(fenced, m => m.Value switch
        {
            "<|" => "&lt;|",
            "|>" => "|&gt;",
            "[" => "&#91;",
            var sys => sys.Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal),
        });
    }

    private static string Attribute(string value) => value
        .Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("\"", "&quot;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal)
        .ReplaceLineEndings(" ");
}
