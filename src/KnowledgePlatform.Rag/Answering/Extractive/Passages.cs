using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Text;
using KnowledgePlatform.Rag.Retrieval;

namespace KnowledgePlatform.Rag.Answering.Extractive;

/// <summary>Cuts a retrieved chunk into its passages.</summary>
public static class Passages
{
    /// <summary>List items shown after a lead-in that ends with a colon.</summary>
    private const int ItemsAfterLeadIn = 5;

    /// <param name="procedure">The question asks how to do something: a list item comes with the items after it (the steps).</param>
    public static IEnumerable<Passage> Of(RetrievedChunk evidence, int rank, bool procedure = false)
    {
        var chunk = evidence.Chunk;
        switch (chunk.Kind)
        {
            case ChunkKind.QuestionAnswer:
                // "Q: …\nA: …": the answer is shown whole; the question says what it answers.
                var answerAt = chunk.Text.IndexOf("\nA: ", StringComparison.Ordinal);
                var answer = answerAt >= 0 ? chunk.Text[(answerAt + 4)..].Trim() : chunk.Text;
                yield return new Passage(answer, chunk.Text.Replace("\n", " ", StringComparison.Ordinal), chunk.Text, chunk.Text, evidence, rank);
                yield break;
            case ChunkKind.Table when TableRows(chunk.Text) is { Count: > 0 } rows:
                var header = rows[0];
                var names = Cells(header);
                foreach (var row in rows.Skip(1))
                {
                    var display = string.Join("; ", names.Zip(Cells(row)).Where(p => p.Second.Length > 0).Select(p => $"{p.First}: {p.Second}"));
                    // Judged on the row alone: header words are in every row and would make all rows look alike.
                    yield return new Passage(display.TrimEnd('.') + ".", header + "\n" + row, row, header + "\n" + row, evidence, rank) { Key = Cells(row)[0] };
                }
                yield break;
        }

        var sentences = Units(chunk.Text);
        // A list that opens the chunk under a heading is that heading's content: the heading leads it in, as a line ending
        // with a colon does ("Movies look too smooth (soap opera effect)" → "- Go to Picture > Advanced > TrueMotion…"),
        // and an item of it is shown under it.
        var opening = sentences.TakeWhile(IsListItem).Count();
        var leadIn = opening > 0 && Heading(chunk.HeadingPath) is { } heading ? heading.TrimEnd(':') + ":" : null;
        if (leadIn is not null)
        {
            var items = string.Join("\n", sentences.Take(Math.Min(opening, ItemsAfterLeadIn)));
            yield return new Passage(leadIn + "\n" + items, items, leadIn, leadIn + "\n" + items, evidence, rank);
        }
        for (var i = 0; i < sentences.Count; i++)
        {
            var (first, last) = Span(sentences, i, procedure);
            var text = string.Join(IsListItem(sentences[Math.Min(first + 1, last)]) ? "\n" : " ", sentences[first..(last + 1)]);
            var display = leadIn is not null && first < opening ? leadIn + "\n" + text : text;
            yield return new Passage(display, text, sentences[i], text, evidence, rank);
        }
    }

    /// <summary>The last heading of a heading path, when it is a section's (not the document's title alone).</summary>
    private static string? Heading(string headingPath)
    {
        var headings = headingPath.Split('›', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return headings.Length > 1 ? headings[^1] : null;
    }

    /// <summary>A chunk's text as units: a list item is one unit (a step is read whole), other lines are cut into sentences.</summary>
    private static List<string> Units(string text) =>
        text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0)
            .SelectMany(l => IsListItem(l) ? [l] : Sentences.Split(l)).ToList();

    /// <summary>The sentences that make a coherent passage around sentence <paramref name="i"/>.</summary>
    private static (int First, int Last) Span(List<string> sentences, int i, bool procedure)
    {
        var first = i;
        var last = i;
        // A list item comes with its lead-in (the closest line before the list that ends with a colon).
        if (IsListItem(sentences[i]))
        {
            var lead = i - 1;
            while (lead >= 0 && IsListItem(sentences[lead]) && i - lead <= ItemsAfterLeadIn) lead--;
            if (lead >= 0 && sentences[lead].TrimEnd().EndsWith(':')) first = lead;
        }
        // A lead-in comes with its items, and a step of a numbered procedure with the steps after it. For a question that asks
        // how, a sentence that a list follows leads it in ("Resetting removes the speaker from your account…" and the steps).
        if (sentences[i].TrimEnd().EndsWith(':') || IsNumberedStep(sentences[i]) || (procedure && (IsListItem(sentences[i])
                || (i + 1 < sentences.Count && IsListItem(sentences[i + 1])))))
            while (last + 1 < sentences.Count && IsListItem(sentences[last + 1]) && last - i < ItemsAfterLeadIn) last++;
        // A sentence comes with its neighbours, in the same paragraph: what leads into it and what follows from it.
        else
        {
            if (i + 1 < sentences.Count && !IsListItem(sentences[i + 1])) last = i + 1;
            if (i > 0 && !IsListItem(sentences[i - 1]) && !sentences[i - 1].TrimEnd().EndsWith(':')) first = i - 1;
        }
        return (first, last);
    }

    private static bool IsListItem(string sentence) =>
        sentence.StartsWith("- ", StringComparison.Ordinal) || sentence.StartsWith("* ", StringComparison.Ordinal) || sentence.StartsWith("• ", StringComparison.Ordinal)
        || (sentence.Length > 2 && char.IsDigit(sentence[0]) && (sentence[1] is '.' or ')' || (char.IsDigit(sentence[1]) && sentence.Length > 3 && sentence[2] is '.' or ')')));

    /// <summary>"How do I…", "how to…", "what should I do…": the answer is a procedure.</summary>
    public static bool AsksForProcedure(string question)
    {
        var q = question.Trim().ToLowerInvariant();
        return q.StartsWith("how do ", StringComparison.Ordinal) || q.StartsWith("how can ", StringComparison.Ordinal) || q.StartsWith("how should ", StringComparison.Ordinal)
            || q.StartsWith("how to ", StringComparison.Ordinal) || q.Contains("what should i do", StringComparison.Ordinal) || q.Contains("what do i do", StringComparison.Ordinal)
            || q.Contains("steps", StringComparison.Ordinal);
    }

    private static bool IsNumberedStep(string sentence) => IsListItem(sentence) && char.IsDigit(sentence[0]);

    private static List<string> TableRows(string text)
    {
        var lines = text.Split('\n').Where(l => l.StartsWith('|')).ToList();
        return lines.Count < 3 ? [] : [lines[0], .. lines.Skip(2)];
    }

    private static string[] Cells(string row) => row.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();
}
