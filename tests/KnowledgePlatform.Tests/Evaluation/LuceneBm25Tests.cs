using KnowledgePlatform.Bench.Evaluation;
using KnowledgePlatform.Core.Text;
using Xunit;

namespace KnowledgePlatform.Tests.Evaluation;

/// <summary>
/// The Lucene.NET side of kp-bench's BM25 comparison (decision 0166): with exact lengths it must score as the platform's
/// BM25 does, or the comparison's "same top 10" would be luck.
/// </summary>
public sealed class LuceneBm25Tests : IDisposable
{
    private static readonly string[] Texts =
    [
        "Metformin is the first-line treatment for type 2 diabetes in adults.",
        "Gliclazide is a sulfonylurea; it can cause hypoglycaemia, especially in older patients.",
        "Metformin dose: start at 500 mg once daily with food and increase slowly to limit gastrointestinal effects. Metformin is stopped when eGFR falls below 30.",
        "Insulin is started when oral treatment no longer controls HbA1c.",
        "Reset the television to its factory settings from the Support menu.",
        "The television's remote control needs two AAA batteries.",
        "新型冠状病毒的潜伏期一般为三到七天。",
        "Diabetes, diabetes, diabetes: a short text that repeats one word.",
        "A long guideline paragraph about the management of hypertension in patients with diabetes, with targets, drugs, follow-up intervals and the evidence behind each recommendation, which makes it much longer than the others.",
    ];

    private static readonly string[] Questions =
    [
        "what is the first-line treatment for diabetes", "metformin dose", "hypoglycaemia in older patients",
        "how do I reset my television", "潜伏期", "diabetes", "the of and", "hypertension targets in diabetes",
    ];

    private readonly string _folder = Directory.CreateTempSubdirectory("kp-lucene-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void With_exact_lengths_Lucene_ranks_and_scores_as_the_platforms_bm25()
    {
        using var lucene = Index(exactLengths: true);
        var platform = new Bm25Corpus(Texts);
        foreach (var question in Questions)
        {
            var expected = platform.Search(question, 10);
            var found = lucene.Search(question, 10);
            Assert.Equal(expected.Select(e => (long)e.Document), found.Select(f => f.Number));
            foreach (var (e, f) in expected.Zip(found))
                Assert.Equal(e.Score, f.Score, 1e-4 * e.Score);
        }
    }

    [Fact]
    public void Lucenes_own_bm25_keeps_lengths_in_one_byte_and_scores_differently()
    {
        using var lucene = Index(exactLengths: false);
        var platform = new Bm25Corpus(Texts);
        var differences = Questions.SelectMany(q => platform.Search(q, 10).Zip(lucene.Search(q, 10)))
            .Count(pair => Math.Abs(pair.First.Score - pair.Second.Score) > 1e-4 * pair.First.Score);
        Assert.True(differences > 0, "Lucene's BM25Similarity gave the exact scores: the comparison's exact similarity would be needless.");
    }

    [Fact]
    public void Synthesised_chunks_are_numbered_below_zero_and_never_become_judged_hits()
    {
        using var lucene = new LuceneBm25(_folder, Bm25Parameters.Default, exactLengths: true);
        lucene.Add(Texts[..2], 0);
        lucene.Add(["metformin metformin metformin"], -1, countDown: true);
        lucene.Commit();

        var found = lucene.Search("metformin", 10);

        Assert.Equal([-1L, 0L], found.Select(f => f.Number));
        var hits = LuceneBm25.Hits(found, [Chunk(0), Chunk(1)]);
        Assert.Equal("c0", Assert.Single(hits).Chunk.ChunkId);
    }

    private LuceneBm25 Index(bool exactLengths)
    {
        var lucene = new LuceneBm25(_folder, Bm25Parameters.Default, exactLengths);
        lucene.Add(Texts, 0);
        lucene.Commit();
        return lucene;
    }

    private static Core.Ports.ChunkPayload Chunk(int n) =>
        new($"c{n}", "t", "kb", "doc", "Title", "file.md", n, Texts[n], "", null, null, Core.Domain.ChunkKind.Text);
}
