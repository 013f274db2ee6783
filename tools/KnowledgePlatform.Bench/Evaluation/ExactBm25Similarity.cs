using KnowledgePlatform.Core.Text;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Util;

namespace KnowledgePlatform.Bench.Evaluation;

/// <summary>
/// BM25 in Lucene.NET with each chunk's exact length: Lucene's own <see cref="BM25Similarity"/> keeps a length in
/// one byte (a lossy float), so its scores, and sometimes its order, differ from the platform's BM25. This one
/// stores the term count as the norm and scores exactly <see cref="Bm25Parameters"/>' formula, with the average
/// length and IDF of the documents searched.
/// </summary>
public sealed class ExactBm25Similarity(Bm25Parameters parameters) : Similarity
{
    public override long ComputeNorm(FieldInvertState state) => state.Length;

    public override SimWeight ComputeWeight(float queryBoost, CollectionStatistics collectionStats, params TermStatistics[] termStats)
    {
        var documents = collectionStats.DocCount > 0 ? collectionStats.DocCount : collectionStats.MaxDoc;
        var averageLength = collectionStats.SumTotalTermFreq > 0 ? (double)collectionStats.SumTotalTermFreq / documents : 1;
        var idf = termStats.Sum(t => Bm25Parameters.Idf(documents, t.DocFreq));
        return new Weight(collectionStats.Field, idf, queryBoost, averageLength);
    }

    public override SimScorer GetSimScorer(SimWeight weight, AtomicReaderContext context)
    {
        var w = (Weight)weight;
        return new Scorer(parameters, w, context.AtomicReader.GetNormValues(w.Field));
    }

    private sealed class Weight(string field, double idf, float queryBoost, double averageLength) : SimWeight
    {
        public string Field { get; } = field;
        public double AverageLength { get; } = averageLength;
        public double Factor { get; private set; } = idf * queryBoost;

        public override float GetValueForNormalization() => 1f;

        public override void Normalize(float queryNorm, float topLevelBoost) => Factor = idf * queryBoost * topLevelBoost;
    }

    private sealed class Scorer(Bm25Parameters parameters, Weight weight, NumericDocValues? lengths) : SimScorer
    {
        public override float Score(int doc, float freq) =>
            (float)(weight.Factor * parameters.Saturated(freq, lengths?.Get(doc) ?? weight.AverageLength, weight.AverageLength));

        public override float ComputeSlopFactor(int distance) => 1f / (distance + 1);

        public override float ComputePayloadFactor(int doc, int start, int end, BytesRef payload) => 1f;
    }
}
