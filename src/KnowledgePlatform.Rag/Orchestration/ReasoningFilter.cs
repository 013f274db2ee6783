using System.Text;
using System.Text.RegularExpressions;

namespace KnowledgePlatform.Rag.Orchestration;

/// <summary>
/// Removes a model's reasoning from its streamed text, so reasoning is never checked as an answer, shown,
/// streamed or stored: <c>&lt;think&gt;…&lt;/think&gt;</c> blocks (Qwen3, DeepSeek-R1; also unclosed or
/// empty ones) and the Harmony format of gpt-oss, of which only the <c>final</c> channel's message is kept
/// (<c>analysis</c> and <c>commentary</c> are dropped, and every control token such as <c>&lt;|start|&gt;</c>,
/// <c>&lt;|end|&gt;</c>, <c>&lt;|return|&gt;</c> with them). Text that could be the start of a tag is held
/// back until the next delta shows what it is, so a tag split across deltas is still recognised.
/// </summary>
/// <remarks>
/// Reasoning that a provider hands over separately (vLLM's or llama.cpp's reasoning parser, as
/// Microsoft.Extensions.AI's <c>TextReasoningContent</c>) never reaches this filter: answers read only
/// <c>ChatResponseUpdate.Text</c>, which is the <c>TextContent</c> alone. A closing <c>&lt;/think&gt;</c>
/// without its opening tag (a chat template that opens the block in the prompt) means everything before
/// it was reasoning: the text so far is withdrawn (<see cref="Push"/> reports it).
/// </remarks>
public sealed partial class ReasoningFilter
{
    private enum State { Answer, Thinking, HarmonyHeader, HarmonyReasoning, HarmonyFinal, BetweenMessages }

    private static readonly string[] ThinkOpen = ["<think>", "<thinking>"];
    private static readonly string[] ThinkClose = ["</think>", "</thinking>"];

    /// <summary>A control token of a chat format: <c>&lt;|channel|&gt;</c>, <c>&lt;|im_end|&gt;</c>, …</summary>
    [GeneratedRegex(@"^<\|([a-z_]{1,32})\|>", RegexOptions.IgnoreCase)]
    private static partial Regex ControlToken();

    [GeneratedRegex(@"^<\|[a-z_]{0,32}\|?$", RegexOptions.IgnoreCase)]
    private static partial Regex PartialControlToken();

    private readonly StringBuilder _pending = new();
    private readonly StringBuilder _visible = new();
    private readonly StringBuilder _header = new();
    private State _state;
    private bool _channelNamed;

    /// <summary>All the answer text let through so far (after a withdrawal, only what came after it).</summary>
    public string Text => _visible.ToString();

    /// <summary>The text newly let through by <paramref name="delta"/>; <c>Withdrawn</c>: the text before it was reasoning after all.</summary>
    public (string Text, bool Withdrawn) Push(string delta)
    {
        _pending.Append(delta);
        return Drain(final: false);
    }

    /// <summary>The text held back at the end of the stream (an unfinished tag is text; an unclosed think block is dropped).</summary>
    public string Flush() => Drain(final: true).Text;

    /// <summary>The answer in a whole reply, without its reasoning.</summary>
    public static string Strip(string reply)
    {
        var filter = new ReasoningFilter();
        filter.Push(reply);
        filter.Flush();
        return filter.Text;
    }

    private (string Text, bool Withdrawn) Drain(bool final)
    {
        var output = new StringBuilder();
        var withdrawn = false;
        var s = _pending.ToString();
        var at = 0;
        while (at < s.Length)
        {
            var lt = s.IndexOf('<', at);
            if (lt < 0)
            {
                Route(s[at..], output);
                at = s.Length;
                break;
            }
            Route(s[at..lt], output);
            var rest = s.AsSpan(lt);
            if (Tag(rest) is { } tag)
            {
                if (Apply(tag.ToString()))
                {
                    // An orphan </think>: all that was let through was reasoning.
                    withdrawn = true;
                    output.Clear();
                    _visible.Clear();
                }
                at = lt + tag.Length;
                continue;
            }
            if (!final && CouldBeTag(rest))
            {
                at = lt;
                break;
            }
            Route("<", output);
            at = lt + 1;
        }
        _pending.Clear().Append(s.AsSpan(at));
        if (final && _pending.Length > 0)
        {
            Route(_pending.ToString(), output);
            _pending.Clear();
        }
        _visible.Append(output);
        return (output.ToString(), withdrawn);
    }

    private static string? Tag(ReadOnlySpan<char> text)
    {
        foreach (var t in ThinkOpen.Concat(ThinkClose))
        {
            if (text.StartsWith(t, StringComparison.OrdinalIgnoreCase)) return t;
        }
        var token = ControlToken().Match(text.ToString());
        return token.Success ? token.Value : null;
    }

    private static bool CouldBeTag(ReadOnlySpan<char> text)
    {
        foreach (var t in ThinkOpen.Concat(ThinkClose))
        {
            if (text.Length < t.Length && t.StartsWith(text, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return text.Length <= 36 && PartialControlToken().IsMatch(text.ToString());
    }

    /// <summary>Moves to the state a tag opens; true for an orphan closing think tag.</summary>
    private bool Apply(string tag)
    {
        var name = tag.Trim('<', '>', '|', '/').ToLowerInvariant();
        if (ThinkOpen.Contains(tag, StringComparer.OrdinalIgnoreCase))
        {
            if (_state == State.Answer) _state = State.Thinking;
            return false;
        }
        if (ThinkClose.Contains(tag, StringComparer.OrdinalIgnoreCase))
        {
            if (_state == State.Thinking)
            {
                _state = State.Answer;
                return false;
            }
            return _state == State.Answer;
        }
        switch (name)
        {
            case "start" or "channel":
                // A new message's header ("assistant", then the channel's name) is not text.
                _state = State.HarmonyHeader;
                _channelNamed = name == "channel";
                _header.Clear();
                break;
            case "message" when _state == State.HarmonyHeader:
                var channel = _channelNamed ? _header.ToString().Trim().Split(' ', 2)[0] : "";
                _state = channel.Length == 0 || channel.Equals("final", StringComparison.OrdinalIgnoreCase) ? State.HarmonyFinal : State.HarmonyReasoning;
                _header.Clear();
                break;
            case "end" or "return" or "call" when _state is State.HarmonyFinal or State.HarmonyReasoning:
                _state = State.BetweenMessages;
                break;
        }
        // Any other control token (<|im_end|>, <|eot_id|>, <|constrain|>…) is removed.
        return false;
    }

    private void Route(string text, StringBuilder output)
    {
        if (text.Length == 0) return;
        switch (_state)
        {
            case State.Answer or State.HarmonyFinal:
                output.Append(text);
                break;
            case State.HarmonyHeader:
                _header.Append(text);
                break;
        }
    }
}
