using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Ingestion.Chunking;
using KnowledgePlatform.Ingestion.Extraction;
using Xunit;

namespace KnowledgePlatform.Tests.Chunking;

public sealed class ChunkerTests
{
    /// <summary>One token per whitespace-separated word: easy to reason about in assertions.</summary>
    private sealed class WordCounter : ITokenCounter
    {
        public int CountTokens(string text) => text.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Length;
    }

    /// <summary>Like a model's tokenizer: every text also counts a start and an end token.</summary>
    private sealed class FramedWordCounter : ITokenCounter
    {
        public int CountTokens(string text) => 2 + new WordCounter().CountTokens(text);
    }

    private static readonly Chunker Chunker = new(new WordCounter());

    private static ParagraphBlock Paragraph(string text, params string[] headings) => new(text, headings, new SourceSpan(Line: 1));

    private static string Sentence(int i) => $"Sentence number {i} has exactly eight words here.";

    [Fact]
    public void Chunks_never_span_two_sections()
    {
        var doc = new ExtractedDocument("Guide", [
            Paragraph("Alpha text is short.", "Guide", "Alpha"),
            Paragraph("Beta text is short.", "Guide", "Beta"),
        ]);

        var chunks = Chunker.Chunk(doc, new ChunkingSettings(100, 10));

        Assert.Equal(2, chunks.Count);
        Assert.Equal("Guide › Alpha", chunks[0].HeadingPathText);
        Assert.Equal("Beta text is short.", chunks[1].Text);
        Assert.Equal(["Guide", "Beta"], chunks[1].HeadingPath);
    }

    [Fact]
    public void Long_text_is_split_within_the_token_budget_with_sentence_overlap()
    {
        var text = string.Join(" ", Enumerable.Range(1, 20).Select(Sentence));
        var doc = new ExtractedDocument(null, [Paragraph(text, "Section")]);

        var chunks = Chunker.Chunk(doc, new ChunkingSettings(MaxTokens: 32, OverlapTokens: 8));

        Assert.True(chunks.Count > 4);
        Assert.All(chunks, c => Assert.True(c.TokenCount <= 32, $"{c.TokenCount} tokens: {c.Text}"));
        // The last sentence of a chunk opens the next one.
        for (var i = 1; i < chunks.Count; i++)
        {
            var lastSentenceOfPrevious = chunks[i - 1].Text[(chunks[i - 1].Text.LastIndexOf("Sentence", StringComparison.Ordinal))..];
            Assert.StartsWith(lastSentenceOfPrevious, chunks[i].Text, StringComparison.Ordinal);
        }
        // Every sentence survives.
        Assert.All(Enumerable.Range(1, 20), i => Assert.Contains(chunks, c => c.Text.Contains(Sentence(i), StringComparison.Ordinal)));
    }

    [Fact]
    public void A_long_table_is_split_by_rows_and_every_piece_repeats_the_header()
    {
        var rows = Enumerable.Range(1, 30).Select(i => (IReadOnlyList<string>)[$"Drug{i}", $"{i * 10} mg", "daily"]).ToList();
        var table = new TableBlock(["Drug", "Dose", "Frequency"], rows, ["Dosing"], new SourceSpan(Page: 3));
        var doc = new ExtractedDocument(null, [table]);

        var chunks = Chunker.Chunk(doc, new ChunkingSettings(MaxTokens: 40, OverlapTokens: 0));

        Assert.True(chunks.Count > 1);
        Assert.All(chunks, c =>
        {
            Assert.Equal(ChunkKind.Table, c.Kind);
            Assert.StartsWith("| Drug | Dose | Frequency |", c.Text, StringComparison.Ordinal);
            Assert.Equal(3, c.Page);
        });
        Assert.All(Enumerable.Range(1, 30), i => Assert.Single(chunks, c => c.Text.Contains($"| Drug{i} |", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_question_stays_whole_with_its_answer_even_over_budget()
    {
        var answer = string.Join(" ", Enumerable.Range(1, 10).Select(Sentence));
        var doc = new ExtractedDocument(null, [new QuestionAnswerBlock("How do I return an item?", answer, ["FAQ"], new SourceSpan(Line: 7))]);

        var chunks = Chunker.Chunk(doc, new ChunkingSettings(MaxTokens: 20, OverlapTokens: 0));

        var chunk = Assert.Single(chunks);
        Assert.Equal(ChunkKind.QuestionAnswer, chunk.Kind);
        Assert.Equal($"Q: How do I return an item?\nA: {answer}", chunk.Text);
        Assert.Equal(7, chunk.Line);
    }

    [Fact]
    public void A_sentence_longer_than_the_budget_is_cut_at_word_boundaries()
    {
        var words = string.Join(" ", Enumerable.Range(1, 100).Select(i => $"w{i}"));
        var chunks = Chunker.Chunk(new ExtractedDocument(null, [Paragraph(words)]), new ChunkingSettings(MaxTokens: 30, OverlapTokens: 0));

        Assert.All(chunks, c => Assert.True(c.TokenCount <= 30));
        Assert.Equal(words, string.Join(" ", chunks.Select(c => c.Text)));
    }

    [Fact]
    public void Paragraphs_of_one_section_share_a_chunk_and_keep_their_break()
    {
        var doc = new ExtractedDocument(null, [Paragraph("First paragraph.", "S"), Paragraph("Second paragraph.", "S")]);

        var chunk = Assert.Single(Chunker.Chunk(doc, new ChunkingSettings(100, 10)));

        Assert.Equal("First paragraph.\nSecond paragraph.", chunk.Text);
    }

    [Fact]
    public void List_items_keep_their_line_breaks()
    {
        var doc = new ExtractedDocument(null, [Paragraph("Bring:\n- your order number\n- the serial number. It is on the back.", "S")]);

        var chunk = Assert.Single(Chunker.Chunk(doc, new ChunkingSettings(100, 10)));

        Assert.Equal("Bring:\n- your order number\n- the serial number. It is on the back.", chunk.Text);
    }

    [Fact]
    public void Token_counts_are_the_counters_own_count_of_each_chunk_when_every_text_has_framing_tokens()
    {
        var counter = new FramedWordCounter();
        var text = string.Join(" ", Enumerable.Range(1, 20).Select(Sentence));
        var rows = Enumerable.Range(1, 12).Select(i => (IReadOnlyList<string>)[$"Drug{i}", $"{i} mg"]).ToList();
        var doc = new ExtractedDocument(null, [
            Paragraph(text, "Text"),
            new TableBlock(["Drug", "Dose"], rows, ["Table"], new SourceSpan(Line: 3)),
        ]);

        var chunks = new Chunker(counter).Chunk(doc, new ChunkingSettings(MaxTokens: 40, OverlapTokens: 10));

        Assert.True(chunks.Count(c => c.Kind == ChunkKind.Text) > 2 && chunks.Count(c => c.Kind == ChunkKind.Table) > 1);
        Assert.All(chunks, c =>
        {
            Assert.Equal(counter.CountTokens(c.Text), c.TokenCount);
            Assert.True(c.TokenCount <= 40, $"{c.TokenCount} tokens: {c.Text}");
        });
    }
}
