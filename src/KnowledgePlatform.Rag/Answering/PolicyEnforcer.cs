using System.Runtime.CompilerServices;
using System.Text;
using KnowledgePlatform.Core.Policies;
using KnowledgePlatform.Rag.Answering.Extractive;

namespace KnowledgePlatform.Rag.Answering;

/// <summary>
/// Applies a tenant's policy to a question and its answer, the same way on every channel: blocked
/// topics are refused before retrieval; the answer is redacted, capped, refused when strict mode
/// finds no citation, and closed with the disclaimer; quoted spans are redacted too.
/// </summary>
public sealed class PolicyEnforcer(Redactor redactor)
{
    public const string NotFound = ExtractiveAnswerer.NotFound;

    /// <summary>The blocked topic the question touches, or null.</summary>
    public static string? BlockedTopic(SecurityPolicy policy, string question) =>
        policy.BlockedTopics.FirstOrDefault(t => question.Contains(t, StringComparison.OrdinalIgnoreCase));

    /// <summary>The whole answer for a refused question.</summary>
    public static async IAsyncEnumerable<AnswerEvent> Refuse(SecurityPolicy policy, string topic, PolicyActions actions)
    {
        actions.RefusedFor = topic;
        yield return new AnswerDelta(policy.BlockedTopicAnswer);
        yield return new AnswerCitations([]);
        yield return new AnswerCompleted(AnswerStatus.RefusedByPolicy, "policy");
        await Task.CompletedTask;
    }

    public string Redact(SecurityPolicy policy, string text, PolicyActions actions)
    {
        var (redacted, count) = redactor.Redact(text, policy);
        actions.Redactions += count;
        return redacted;
    }

    /// <summary>
    /// With redaction rules, text is released in whole lines or sentences so a pattern is never split
    /// across two deltas.
    /// In strict mode (citation required) nothing is released before the citations are known.
    /// </summary>
    public async IAsyncEnumerable<AnswerEvent> EnforceAsync(
        SecurityPolicy policy, IAsyncEnumerable<AnswerEvent> answer, PolicyActions actions, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pending = new StringBuilder();
        var released = 0;
        AnswerCitations? citations = null;
        await foreach (var e in answer.WithCancellation(cancellationToken))
        {
            switch (e)
            {
                case AnswerDelta delta:
                    pending.Append(delta.Text);
                    if (policy.CitationRequired) break;
                    // Without redaction rules every delta goes out as it comes; with them, whole sentences.
                    var cut = policy.Redact.Count == 0 ? pending.Length : LastBoundary(pending);
                    if (cut <= 0) break;
                    foreach (var d in Release(pending, cut)) yield return d;
                    break;
                case AnswerCitations c:
                    citations = new AnswerCitations(c.Citations.Select(x => x with { Quote = Redact(policy, x.Quote, actions) }).ToList());
                    break;
                case AnswerCompleted done:
                    var status = done.Status;
                    if (policy.CitationRequired && status == AnswerStatus.Answered && citations is not { Citations.Count: > 0 })
                    {
                        // Strict mode: an answer that cites nothing is not given.
                        pending.Clear().Append(NotFound);
                        citations = new AnswerCitations([]);
                        status = AnswerStatus.InsufficientEvidence;
                    }
                    foreach (var d in Release(pending, pending.Length)) yield return d;
                    if (policy.Disclaimer is { Length: > 0 } disclaimer && status != AnswerStatus.RefusedByPolicy)
                    {
                        actions.DisclaimerAdded = true;
                        yield return new AnswerDelta("\n\n" + disclaimer);
                    }
                    yield return citations ?? new AnswerCitations([]);
                    yield return done with { Status = status };
                    break;
            }
        }

        IEnumerable<AnswerDelta> Release(StringBuilder buffer, int length)
        {
            var text = Redact(policy, buffer.ToString(0, length), actions);
            buffer.Remove(0, length);
            if (actions.Truncated) yield break;
            if (released + text.Length > policy.MaxAnswerChars)
            {
                text = text[..Math.Max(0, policy.MaxAnswerChars - released)] + "…";
                actions.Truncated = true;
            }
            released += text.Length;
            if (text.Length > 0) yield return new AnswerDelta(text);
        }
    }

    /// <summary>The end of the last complete line or sentence in the buffer (0 when there is none yet).</summary>
    private static int LastBoundary(StringBuilder buffer)
    {
        for (var i = buffer.Length - 1; i > 0; i--)
        {
            if (buffer[i] == '\n') return i + 1;
            if (char.IsWhiteSpace(buffer[i]) && buffer[i - 1] is '.' or '!' or '?') return i + 1;
        }
        return 0;
    }
}
