using System.Text;

namespace KnowledgePlatform.Ingestion.Extraction.Html;

/// <summary>
/// A single linear pass over raw HTML that drops start tags nested deeper than a limit (and beyond an
/// element budget), together with their end tags, keeping all text. HTML parsers spend time
/// proportional to the open-element depth on many tags, so megabytes of nested tags would otherwise
/// take minutes and gigabytes; this bounds both. The depth is estimated the way a browser would see
/// it for ordinary markup (void elements, implied end tags of p/li/td/...); it need not be exact.
/// Comments are dropped; line breaks inside dropped markup are kept so line numbers stay right.
/// </summary>
internal static class HtmlNestingLimiter
{
    private static readonly HashSet<string> VoidElements = new(StringComparer.Ordinal)
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
    };

    /// <summary>Elements whose content is raw text up to their end tag.</summary>
    private static readonly HashSet<string> RawTextElements = new(StringComparer.Ordinal)
    {
        "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext",
    };

    /// <summary>Opening one of these closes an open element of the same group at the top (implied end tags).</summary>
    private static readonly Dictionary<string, string[]> ImpliedEnds = new(StringComparer.Ordinal)
    {
        ["p"] = ["p"],
        ["li"] = ["li", "p"],
        ["dt"] = ["dt", "dd", "p"],
        ["dd"] = ["dt", "dd", "p"],
        ["tr"] = ["tr", "td", "th"],
        ["td"] = ["td", "th"],
        ["th"] = ["td", "th"],
        ["option"] = ["option"],
        ["thead"] = ["tbody", "tfoot", "tr", "td", "th"],
        ["tbody"] = ["thead", "tbody", "tfoot", "tr", "td", "th"],
        ["tfoot"] = ["thead", "tbody", "tr", "td", "th"],
    };

    /// <summary>Block elements close an open paragraph.</summary>
    private static readonly HashSet<string> ClosesParagraph = new(StringComparer.Ordinal)
    {
        "address", "article", "aside", "blockquote", "div", "dl", "fieldset", "figure", "footer", "form",
        "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "main", "nav", "ol", "pre", "section", "table", "ul",
    };

    public static string Limit(string html, int maxDepth, int maxElements)
    {
        var output = new StringBuilder(html.Length);
        var open = new List<string>();
        var elements = 0;
        var i = 0;
        while (i < html.Length)
        {
            var lt = html.IndexOf('<', i);
            if (lt < 0)
            {
                output.Append(html, i, html.Length - i);
                break;
            }

            output.Append(html, i, lt - i);
            i = lt;
            if (string.CompareOrdinal(html, i, "<!--", 0, 4) == 0)
            {
                var end = html.IndexOf("-->", i + 4, StringComparison.Ordinal);
                var stop = end < 0 ? html.Length : end + 3;
                AppendNewlines(output, html.AsSpan(i, stop - i));
                i = stop;
                continue;
            }

            var isEnd = i + 1 < html.Length && html[i + 1] == '/';
            var nameStart = i + (isEnd ? 2 : 1);
            if (nameStart >= html.Length || !char.IsAsciiLetter(html[nameStart]))
            {
                // "<!doctype", "<?xml", or a literal '<' in text: copy the character and move on.
                output.Append('<');
                i++;
                continue;
            }

            var nameEnd = nameStart;
            while (nameEnd < html.Length && (char.IsAsciiLetterOrDigit(html[nameEnd]) || html[nameEnd] is '-' or ':' or '_'))
            {
                nameEnd++;
            }

            var tagEnd = FindTagEnd(html, nameEnd);
            if (tagEnd < 0)
            {
                // An unterminated tag at the end of the input: nothing after it is content.
                break;
            }

            var name = html[nameStart..nameEnd].ToLowerInvariant();
            var tag = html.AsSpan(i, tagEnd + 1 - i);
            i = tagEnd + 1;

            if (isEnd)
            {
                var index = open.LastIndexOf(name);
                if (index >= 0)
                {
                    open.RemoveRange(index, open.Count - index);
                    output.Append(tag);
                }
                else
                {
                    AppendNewlines(output, tag);
                }

                continue;
            }

            if (RawTextElements.Contains(name))
            {
                i = CopyRawText(html, i, name, tag, output, keepTag: open.Count < maxDepth && elements < maxElements);
                elements++;
                continue;
            }

            // Self-closing syntax only closes in SVG/MathML; in HTML "<div/>" opens a div.
            if (VoidElements.Contains(name) || (tag[^2] == '/' && (open.Contains("svg") || open.Contains("math"))))
            {
                if (elements++ < maxElements)
                {
                    output.Append(tag);
                }
                else
                {
                    AppendNewlines(output, tag);
                }

                continue;
            }

            CloseImplied(open, name);
            if (open.Count >= maxDepth || elements >= maxElements)
            {
                AppendNewlines(output, tag);
                continue;
            }

            open.Add(name);
            elements++;
            output.Append(tag);
        }

        return output.ToString();
    }

    private static void CloseImplied(List<string> open, string name)
    {
        if (ImpliedEnds.TryGetValue(name, out var closes))
        {
            while (open.Count > 0 && closes.Contains(open[^1]))
            {
                open.RemoveAt(open.Count - 1);
            }
        }

        if (ClosesParagraph.Contains(name) && open.Count > 0 && open[^1] == "p")
        {
            open.RemoveAt(open.Count - 1);
        }
    }

    /// <summary>Copies a raw-text element (script, style, title...) through its end tag; returns the new position.</summary>
    private static int CopyRawText(string html, int start, string name, ReadOnlySpan<char> tag, StringBuilder output, bool keepTag)
    {
        var close = html.IndexOf("</" + name, start, StringComparison.OrdinalIgnoreCase);
        var contentEnd = close < 0 ? html.Length : close;
        var closeEnd = close < 0 ? html.Length : html.IndexOf('>', close);
        closeEnd = closeEnd < 0 ? html.Length : closeEnd + 1;
        if (keepTag)
        {
            output.Append(tag).Append(html, start, contentEnd - start).Append("</").Append(name).Append('>');
        }
        else
        {
            AppendNewlines(output, tag);
            AppendNewlines(output, html.AsSpan(start, contentEnd - start));
        }

        return closeEnd;
    }

    /// <summary>The index of the '>' closing a tag, skipping quoted attribute values; -1 if none.</summary>
    private static int FindTagEnd(string html, int from)
    {
        var quote = '\0';
        for (var i = from; i < html.Length; i++)
        {
            var c = html[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
            }
            else if (c is '"' or '\'' && i > 0 && html[i - 1] == '=')
            {
                quote = c;
            }
            else if (c == '>')
            {
                return i;
            }
        }

        return -1;
    }

    private static void AppendNewlines(StringBuilder output, ReadOnlySpan<char> dropped)
    {
        var count = dropped.Count('\n');
        if (count > 0)
        {
            output.Append('\n', count);
        }
    }
}
