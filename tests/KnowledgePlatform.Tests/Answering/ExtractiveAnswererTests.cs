using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Rag.Answering;
using KnowledgePlatform.Rag.Retrieval;
using Xunit;

namespace KnowledgePlatform.Tests.Answering;

public sealed class ExtractiveAnswererTests
{
    private static RetrievedChunk Evidence(string id, string text, ChunkKind kind = ChunkKind.Text, string file = "guide.md", int? page = null) =>
        new(new ChunkPayload(id, "t", "kb", "doc-" + id, "Title " + id, file, 0, text, "Guide › Dosing", page, null, kind), 0.03, 0.6, 1, null, null);

    private static async Task<(string Text, IReadOnlyList<Citation> Citations, AnswerCompleted Done)> Answer(string question, params RetrievedChunk[] evidence)
    {
        var text = "";
        IReadOnlyList<Citation> citations = [];
        AnswerCompleted? done = null;
        await foreach (var e in new ExtractiveAnswerer().GenerateAsync(new AnswerRequest(question, evidence), TestContext.Current.CancellationToken))
        {
            switch (e)
            {
                case AnswerDelta d: text += d.Text; break;
                case AnswerCitations c: citations = c.Citations; break;
                case AnswerCompleted c: done = c; break;
            }
        }
        return (text, citations, done!);
    }

    [Fact]
    public async Task Quotes_the_sentence_that_answers_and_cites_its_chunk()
    {
        var (text, citations, done) = await Answer(
            "What is the maximum daily dose of paracetamol?",
            Evidence("a", "Ibuprofen is an anti-inflammatory. The usual adult dose is 400 mg."),
            Evidence("b", "Paracetamol is used for pain. The maximum daily dose of paracetamol for adults is 4 g. Take it with water.", page: 2));

        Assert.Equal(AnswerStatus.Answered, done.Status);
        Assert.Contains("The maximum daily dose of paracetamol for adults is 4 g. [1]", text, StringComparison.Ordinal);
        var citation = Assert.Single(citations, c => c.ChunkId == "b");
        Assert.Equal(1, citation.Number);
        Assert.Contains("maximum daily dose of paracetamol for adults is 4 g", citation.Quote, StringComparison.Ordinal);
        Assert.Equal(2, citation.Page);
        Assert.Contains(ExtractiveAnswerer.Notice, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Says_not_found_without_citations_when_there_is_no_evidence()
    {
        var (text, citations, done) = await Answer("What is the capital of France?");

        Assert.Equal(AnswerStatus.InsufficientEvidence, done.Status);
        Assert.Equal(ExtractiveAnswerer.NotFound, text);
        Assert.Empty(citations);
    }

    [Fact]
    public async Task Says_not_found_when_no_sentence_shares_a_word_with_the_question()
    {
        var (_, citations, done) = await Answer("Which warranty covers batteries?", Evidence("a", "Paracetamol relieves fever."));

        Assert.Equal(AnswerStatus.InsufficientEvidence, done.Status);
        Assert.Empty(citations);
    }

    [Fact]
    public async Task A_table_row_is_quoted_with_its_header()
    {
        var table = "| Drug | Max daily dose |\n| --- | --- |\n| Ibuprofen | 1200 mg |\n| Paracetamol | 4 g |";
        var (text, citations, _) = await Answer("paracetamol max daily dose", Evidence("t", table, ChunkKind.Table, "dosing.csv"));

        Assert.Contains("Drug: Paracetamol; Max daily dose: 4 g.", text, StringComparison.Ordinal);
        var citation = Assert.Single(citations);
        Assert.Equal("| Drug | Max daily dose |\n| Paracetamol | 4 g |", citation.Quote);
        Assert.Equal("dosing.csv", citation.FileName);
    }

    [Fact]
    public async Task A_faq_answer_is_shown_and_the_whole_pair_is_quoted()
    {
        var (text, citations, _) = await Answer("How long is the warranty?",
            Evidence("q", "Q: How long is the warranty?\nA: Every device has a two-year limited warranty.", ChunkKind.QuestionAnswer));

        Assert.StartsWith("Every device has a two-year limited warranty. [1]", text, StringComparison.Ordinal);
        Assert.Equal("Q: How long is the warranty? A: Every device has a two-year limited warranty.", Assert.Single(citations).Quote);
    }

    [Fact]
    public async Task Each_cited_chunk_gets_one_number_even_when_several_of_its_sentences_are_used()
    {
        var (text, citations, _) = await Answer("warfarin INR monitoring",
            Evidence("w", "Warfarin needs INR monitoring. Monitoring of INR is weekly at first. Warfarin interacts with many drugs."));

        Assert.Single(citations);
        Assert.DoesNotContain("[2]", text, StringComparison.Ordinal);
    }
}
