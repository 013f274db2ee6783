using System.Text;
using System.Text.RegularExpressions;
using KnowledgePlatform.Rag.Retrieval;

namespace KnowledgePlatform.Rag.Orchestration;

/// <summary>
/// Lets a model's answer through claim by claim, as it is written: a sentence is held until it and its
/// markers are complete, then released only if it cites retrieved chunks that support what it states
/// (<see cref="ClaimSupport"/>); other sentences are dropped. A marker also covers the uncited sentences
/// before it on its line ("Hold the button. Wait for the light [2]."), each of which must be supported by
/// it; those no marker closes by the end of the line are uncited. Text that states nothing ("Yes.", a
/// heading) goes with the next claim: shown if it is kept, dropped if not. The <c>NOT_FOUND</c> sentinel
/// is never let through. Names the <paramref name="question"/> uses may be repeated without a source.
/// </summary>
public sealed partial class ClaimStream(IReadOnlyList<RetrievedChunk> evidence, string question = "")
{
    /// <summary>A sentence (or connecting text) of the answer, where it stood, and whether it states something.</summary>
    private sealed record Piece(string Text, bool IsClaim, int Line, string Prefix, string Break);

    [GeneratedRegex(@"^\s*(?:[-*•]|\d{1,2}[.)])\s+")]
    private static partial Regex ListPrefix();

    [GeneratedRegex(@"\[[^\]]*$")]
    private static partial Regex OpenBracket();

    private readonly StringBuilder _released = new();
    private readonly List<ClaimVerdict> _verdicts = [];
    private readonly List<Piece> _pending = [];
    private int _lineStart;
    private int _line;
    private int _judged;
    private bool _blankBefore;
    private int _releasedLine = -1;

    /// <summary>What has been let through so far, with the verdict of every claim judged.</summary>
    public GroundingVerdict Verdict => new(_verdicts.ToList(), _released.ToString(), NotFound: false);

    /// <summary>
    /// Judges what <paramref name="text"/> (the whole answer so far) completes and returns the text newly let
    /// through; <paramref name="final"/>: the answer is complete.
    /// </summary>
    public string Advance(string text, bool final)
    {
        var before = _released.Length;
        int end;
        while ((end = text.IndexOf('\n', _lineStart)) >= 0)
        {
            JudgeLine(text[_lineStart..end], complete: true);
            _lineStart = end + 1;
        }
        JudgeLine(text[_lineStart..], complete: final);
        if (final) _lineStart = text.Length;
        return _released.ToString(before, _released.Length - before);
    }

    private void JudgeLine(string line, bool complete)
    {
        if (line.Trim().Length == 0)
        {
            if (!complete) return;
            _blankBefore = true;
            _line++;
            return;
        }
        var prefix = ListPrefix().Match(line).Value;
        var claims = Grounding.Claims(line[prefix.Length..]);
        var ready = complete ? claims.Count : claims.FindLastIndex(HasText);
        for (; _judged < ready; _judged++)
            Take(new Piece(claims[_judged], false, _line, prefix.TrimStart(), _blankBefore ? "\n\n" : "\n"));
        if (!complete) return;
        EndLine();
        (_judged, _blankBefore) = (0, false);
        _line++;
    }

    /// <summary>A sentence with words or numbers of its own (not only markers, or the start of one).</summary>
    private static bool HasText(string claim) => OpenBracket().Replace(Grounding.WithoutMarkers(claim), "").Any(char.IsLetterOrDigit);

    private void Take(Piece piece)
    {
        if (Grounding.IsNotFound(piece.Text)) return;
        var markers = Grounding.Markers(piece.Text).Distinct().ToList();
        if (markers.Count == 0)
        {
            _pending.Add(piece with { IsClaim = ClaimSupport.IsClaim(piece.Text) });
            return;
        }
        var unretrieved = markers.Any(n => n < 1 || n > evidence.Count);
        var cited = markers.Where(n => n >= 1 && n <= evidence.Count).ToList();
        var connecting = new List<Piece>();
        var closing = piece with { IsClaim = true };
        var covered = false; // a sentence before the marker's own was kept
        foreach (var member in _pending.Append(closing))
        {
            if (!member.IsClaim)
            {
                connecting.Add(member);
                continue;
            }
            var verdict = Judge(member.Text, cited, unretrieved);
            _verdicts.Add(verdict);
            if (verdict.Kept)
            {
                foreach (var c in connecting) Release(c);
                Release(member);
            }
            covered = ReferenceEquals(member, closing) ? covered && !verdict.Kept : covered || verdict.Kept;
            connecting.Clear();
        }
        // The marker's own sentence was dropped: the sentences it covered keep its citation.
        if (covered) _released.Append(' ').Append(string.Concat(cited.Select(n => $"[{n}]")));
        _pending.Clear();
    }

    private ClaimVerdict Judge(string text, IReadOnlyList<int> cited, bool unretrieved)
    {
        if (unretrieved || cited.Count == 0) return new ClaimVerdict(text, cited, ClaimProblem.CitesUnretrieved, null);
        var support = ClaimSupport.Score(Grounding.WithoutMarkers(text), cited.Select(n => evidence[n - 1].Chunk.Text), question);
        return new ClaimVerdict(text, cited, support.Supported ? ClaimProblem.None : ClaimProblem.Unsupported, support);
    }

    /// <summary>Claims no marker closed by the end of their line are uncited; what connected them goes with them.</summary>
    private void EndLine()
    {
        var last = _pending.FindLastIndex(p => p.IsClaim);
        foreach (var claim in _pending.Take(last + 1).Where(p => p.IsClaim))
            _verdicts.Add(new ClaimVerdict(claim.Text, [], ClaimProblem.Uncited, null));
        _pending.RemoveRange(0, last + 1);
    }

    private void Release(Piece piece)
    {
        if (_released.Length == 0) _released.Append(piece.Prefix);
        else if (piece.Line != _releasedLine) _released.Append(piece.Break).Append(piece.Prefix);
        else _released.Append(' ');
        _released.Append(piece.Text);
        _releasedLine = piece.Line;
    }
}
