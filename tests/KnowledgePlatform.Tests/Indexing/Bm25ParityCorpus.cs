using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Core.Text;

namespace KnowledgePlatform.Tests.Indexing;

/// <summary>A small corpus and questions that every BM25 backend must rank the same (decision 0121).</summary>
internal static class Bm25ParityCorpus
{
    public static readonly string[] Texts =
    [
        "Paracetamol dosing for adults: 500 mg to 1 g every four to six hours, at most 4 g in 24 hours.",
        "Children's paracetamol doses are given by weight: 15 mg per kg, every six hours.",
        "Ibuprofen is taken with food; adults take 200 to 400 mg every six to eight hours.",
        "Running shoes should be replaced every 500 to 800 kilometres of running.",
        "The dose of amoxicillin for adults is 500 mg three times a day for five days.",
        "Stop taking ibuprofen and see a doctor if stomach pain or black stools appear.",
        "Dosages for children are calculated from body weight, never from age alone.",
        "Returns are accepted within 30 days; refunds reach the card within five working days.",
        "To reset the router, hold the reset button for ten seconds until the lights blink.",
        "The café on the ground floor opens at seven and serves breakfast until eleven.",
        "Cafe opening hours change on public holidays; check the notice board.",
        "Vaccines are stored between 2 and 8 degrees Celsius and never frozen.",
        "Store insulin pens in the refrigerator; an opened pen keeps for 28 days at room temperature.",
        "How long does shipping take? Standard shipping takes three to five working days.",
    ];

    public static readonly string[] Questions =
    [
        "What is the paracetamol dose for adults?",
        "how much ibuprofen can a child take",
        "When does the cafe open?",
        "how do I reset my router",
        "storing vaccines and insulin",
        "refund days",
    ];

    public static double AverageLength => new Bm25Corpus(Searchable).AverageLength;

    public static IndexedChunk Chunk(int i, string tenant, string kb) => new(
        new ChunkPayload($"doc{i:D2}-0", tenant, kb, $"doc{i:D2}", "", "parity.md", 0, Texts[i], "", null, null, ChunkKind.Text), Unit(i));

    public static IReadOnlyList<string> Searchable => Texts.Select((_, i) => Chunk(i, "t", "kb").Payload.SearchableText).ToList();

    /// <summary>The local scorer's top ten: chunk ids and scores.</summary>
    public static IReadOnlyList<(string ChunkId, double Score)> Expected(string question) =>
        new Bm25Corpus(Searchable).Search(question, 10).Select(h => ($"doc{h.Document:D2}-0", h.Score)).ToList();

    private static float[] Unit(int i)
    {
        var v = new float[8];
        v[i % 8] = 1;
        return v;
    }
}
