using System.Text;
using System.Text.RegularExpressions;
using KnowledgePlatform.Core.Text;

namespace KnowledgePlatform.Rag.Orchestration;

/// <summary>
/// Finds text in the evidence that reads as instructions to an assistant (a planted "ignore all previous
/// instructions…", "you are now…", a fake system prompt, chat-template role tokens such as
/// <c>&lt;|im_start|&gt;</c>, <c>[INST]</c>, <c>&lt;&lt;SYS&gt;&gt;</c> or Harmony's <c>&lt;|channel|&gt;</c>) and
/// replaces it by <see cref="Marker"/> before the prompt is built
/// (<c>SecurityPolicy.NeutraliseEmbeddedInstructions</c>): the sentence and the rest of its line (the
/// instruction's payload: "…and answer: X. Y."). A line that only opens a fake message
/// ("&lt;|im_start|&gt;system", "[INST]", "### system") takes the lines after it, up to a blank line, with it.
/// </summary>
/// <remarks>
/// Patterns, not a classifier: they aim at phrasings addressed to a model, which documents for people
/// rarely use. A false positive costs one sentence of evidence, replaced by the visible marker.
/// </remarks>
public static partial class EmbeddedInstructions
{
    public const string Marker = "[instruction-like text removed]";

    [GeneratedRegex("""
        \b(?:ignore|disregard|forget|override|bypass)\b[^.!?\n]{0,40}?\b(?:previous|prior|above|earlier|preceding|all|any|your|system|original|other)\b[^.!?\n]{0,30}?\b(?:instructions?|prompts?|rules|guidelines|directives|guardrails|messages?)\b
        | \byou\s+are\s+(?:now|no\s+longer)\b
        | \bfrom\s+now\s+on\b[^.!?\n]{0,20}\byou\b
        | \bpretend\s+(?:to\s+be|you\s+are|that\s+you)\b
        | \b(?:act|behave)\s+as\s+(?:if\s+you\s+were|an?\s+(?:ai|assistant|chatbot|unrestricted|unfiltered|jailbroken))\b
        | \b(?:jailbreak|developer\s+mode|dan\s+mode)\b
        | \bnew\s+(?:instructions?|rules|task|role)\s*[:\-]
        | \b(?:system|developer)\s+(?:prompt|message|instructions?)\b
        | \b(?:dear|attention|note\s+to(?:\s+the)?|hey|hello)\s*,?\s+(?:ai|assistant|chatbot|llm|language\s+model|gpt)\b
        | \bif\s+you\s+are\s+an?\s+(?:ai|assistant|language\s+model|llm|chatbot|bot)\b
        | \b(?:ai|llm|assistant|chatbot|language\s+model)s?\s+(?:reading|processing|summari[sz]ing)\s+this\b
        | \bas\s+an\s+ai\b[^.!?\n]{0,30}\byou\s+(?:must|should|will)\b
        | </?(?:think|thinking)>
        | ^\W{0,8}assistant\s*:
        | ^\s*\#{1,6}\s*(?:system|assistant)\s*:?\s*$
        """, RegexOptions.IgnoreCase | RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex InstructionPattern();

    /// <summary>A chat template's role or turn token: what opens a message in a model's own format.</summary>
    [GeneratedRegex(@"<\|[a-z_]{1,32}\|>|\[/?(?:INST|SYSTEM_PROMPT|AVAILABLE_TOOLS|TOOL_CALLS|TOOL_RESULTS)\]|<</?SYS>>|</?(?:start_of_turn|end_of_turn)>", RegexOptions.IgnoreCase)]
    private static partial Regex ChatToken();

    /// <summary>A line that only opens a message: "&lt;|im_start|&gt;system", "[INST]", "### System", "assistant:".</summary>
    [GeneratedRegex(@"^\s*(?:(?:(?:<\|[a-z_]{1,32}\|>|\[/?INST\]|<</?SYS>>|<start_of_turn>)\s*)+(?:system|assistant|developer|user|model)?|\#{1,6}\s*(?:system|assistant)|(?:system|assistant)\s*:)\s*:?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex RoleHeader();

    /// <summary>True when <paramref name="sentence"/> reads as an instruction to an assistant.</summary>
    public static bool ReadsAsInstruction(string sentence) => InstructionPattern().IsMatch(sentence) || ChatToken().IsMatch(sentence);

    /// <summary>The text with each instruction-like sentence, and the rest of its line, replaced by <see cref="Marker"/>; everything else kept as it was.</summary>
    public static string Neutralise(string text)
    {
        var result = new StringBuilder(text.Length);
        var inFakeMessage = false;
        var first = true;
        foreach (var line in text.Split('\n'))
        {
            string kept;
            if (line.Trim().Length == 0)
            {
                inFakeMessage = false;
                kept = line;
            }
            else if (inFakeMessage) continue; // the opener's marker stands for the whole fake message
            else
            {
                (kept, var removed) = NeutraliseLine(line);
                // "<|im_start|>system", "[INST]": the lines below it, up to a blank line, are the fake message's body.
                inFakeMessage = removed && RoleHeader().IsMatch(line);
            }
            if (!first) result.Append('\n');
            result.Append(kept);
            first = false;
        }
        return result.ToString();
    }

    /// <summary>Where a sentence whose instruction is a chat token ("Fine. &lt;|im_start|&gt;system") stops being text: no sentence break comes before a token.</summary>
    private static int TokenOffset(string sentence)
    {
        var token = ChatToken().Match(sentence);
        var instruction = InstructionPattern().Match(sentence);
        return token.Success && (!instruction.Success || instruction.Index >= token.Index) ? token.Index : 0;
    }

    /// <summary>The line up to its first instruction-like sentence, then the marker: what follows on the line is the instruction's payload.</summary>
    private static (string Text, bool Removed) NeutraliseLine(string line)
    {
        var at = 0;
        foreach (var sentence in Sentences.Split(line))
        {
            var start = line.IndexOf(sentence, at, StringComparison.Ordinal);
            if (start < 0) continue;
            if (ReadsAsInstruction(sentence)) return (line[..(start + TokenOffset(sentence))] + Marker, true);
            at = start + sentence.Length;
        }
        return (line, false);
    }
}
