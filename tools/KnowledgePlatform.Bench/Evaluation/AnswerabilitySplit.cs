namespace KnowledgePlatform.Bench.Evaluation;

/// <summary>
/// A test set made partly unanswerable: a seeded random share of the corpus documents is left out of the knowledge base.
/// A question whose relevant documents were all left out is unanswerable, one whose relevant documents all remain is
/// answerable, and a question with some of each is neither (left out of the answer figures).
/// </summary>
public sealed record AnswerabilitySplit(IReadOnlySet<string> Removed, IReadOnlyList<BeirQuery> Answerable, IReadOnlyList<BeirQuery> Unanswerable)
{
    public static AnswerabilitySplit Of(BeirDataset dataset, double fraction, int seed)
    {
        if (fraction is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(fraction), "The unanswerable fraction is at least 0 and below 1.");
        var ids = dataset.Corpus.Select(d => d.Id).Order(StringComparer.Ordinal).ToArray();
        new Random(seed).Shuffle(ids);
        var removed = ids.Take((int)Math.Round(fraction * ids.Length)).ToHashSet();
        var answerable = new List<BeirQuery>();
        var unanswerable = new List<BeirQuery>();
        foreach (var query in dataset.Queries)
        {
            var relevant = dataset.Qrels[query.Id].Where(j => j.Value > 0).Select(j => j.Key).ToList();
            var gone = relevant.Count(removed.Contains);
            if (gone == 0) answerable.Add(query);
            else if (gone == relevant.Count) unanswerable.Add(query);
        }
        return new AnswerabilitySplit(removed, answerable, unanswerable);
    }

    /// <summary>The knowledge base's corpus: every document that was not left out.</summary>
    public IReadOnlyList<BeirDocument> Kept(BeirDataset dataset) => dataset.Corpus.Where(d => !Removed.Contains(d.Id)).ToList();
}
