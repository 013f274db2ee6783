using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Core.Text;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;
using Microsoft.Data.Sqlite;

namespace KnowledgePlatform.Infrastructure.Indexing;

/// <summary>
/// BM25 search over the scopes' Lucene postings, document at a time, with MaxScore pruning (decisions 130 and 0166).
/// Query terms are ordered by the upper bound of their score (their score in a chunk with the term's largest tf and the
/// shortest chunk holding it). Terms whose bounds together cannot lift a chunk into the best <c>top</c> found so far are
/// not walked: they are only looked up (Lucene's skip lists) for chunks the other terms found and that can still make it.
/// The result is the same best <c>top</c>, with the same scores, as scoring every posting.
/// </summary>
internal sealed partial class Bm25Index
{
    private const int NoMoreDocs = DocIdSetIterator.NO_MORE_DOCS;

    /// <summary>
    /// The best <paramref name="top"/> chunks of the filter's scopes (the tenant's knowledge bases and those shared
    /// with it) that hold a query term and that the filter's access groups may see, with their BM25 scores, best
    /// first. Statistics are those of the knowledge bases searched, taken together; with access groups, document
    /// frequencies count the visible chunks only, and every posting is scored (as with <paramref name="top"/> int.MaxValue).
    /// </summary>
    public List<(ulong Key, double Score)> Search(SqliteConnection connection, ChunkFilter filter, string query, int top)
    {
        // A repeated query term counts once per occurrence; a stop word at its lower weight.
        var queryTerms = FullTextAnalyzer.QueryTerms(query).GroupBy(t => t.Term, StringComparer.Ordinal).Select(g => (Term: g.Key, Weight: g.Sum(t => t.Weight))).ToList();
        if (queryTerms.Count == 0 || filter.Scopes.Count == 0) return [];
        var scopes = Statistics(connection, filter);
        var docs = scopes.Sum(s => s.Docs);
        if (docs == 0) return [];
        var averageLength = (double)scopes.Sum(s => s.Length) / docs;

        var grouped = filter.Groups is not null || filter.Shared is { Count: > 0 };
        var leaves = (from s in scopes
                      let index = Scope(s.Id)
                      from l in index.Reader.Leaves
                      select (Reader: l.AtomicReader, Columns: index.ColumnsOf(l.AtomicReader), Accept: grouped ? Visible(l.AtomicReader, s.TenantId, filter) : l.AtomicReader.LiveDocs)).ToList();
        var scopeList = string.Join(",", scopes.Select(s => s.Id));
        var terms = queryTerms
            .Select(t => grouped
                ? new QueryTerm(t.Term, t.Weight, leaves.Sum(l => CountPostings(l.Reader, l.Accept, t.Term)), docs, 0, 0)
                : Frequency(connection, scopeList, t, docs))
            .Where(t => t.Df > 0)
            .Select(t => (Term: t, Bound: Score(t, t.MaxTf, t.MinLength, averageLength)))
            .OrderBy(t => t.Bound).ThenBy(t => t.Term.Text, StringComparer.Ordinal)
            .ToList();
        var pruned = !grouped && top != int.MaxValue;
        var best = new BestScores(pruned ? top : int.MaxValue);
        foreach (var (reader, columns, accept) in leaves)
            ScoreLeaf(reader, columns, accept, terms, averageLength, best, pruned);
        return best.Ranked();
    }

    /// <summary>
    /// MaxScore over one segment's postings. Terms [0, essential) are those whose bounds add up to less than the score to
    /// beat: a chunk holding none of the others cannot make it, so only the others' postings are walked.
    /// </summary>
    private void ScoreLeaf(AtomicReader reader, Bm25ScopeIndex.Columns columns, IBits? accept, List<(QueryTerm Term, double Bound)> terms, double averageLength, BestScores best, bool pruned)
    {
        var text = reader.GetTerms(Bm25ScopeIndex.Text);
        if (text is null) return;
        var cursors = new List<(QueryTerm Term, double Bound, DocsEnum Postings)>();
        // One terms enumerator for the segment: a postings list keeps its own position once taken from it.
        var enumerator = text.GetEnumerator();
        foreach (var (term, bound) in terms)
        {
            if (!enumerator.SeekExact(new BytesRef(term.Text))) continue;
            var postings = enumerator.Docs(accept, null, DocsFlags.FREQS);
            if (postings.NextDoc() != NoMoreDocs) cursors.Add((term, bound, postings));
        }
        if (cursors.Count == 0) return;
        var (keys, lengths) = (columns.Keys, columns.Lengths);
        // score = weight·idf·tf·(k1 + 1)/(tf + k1·(1 − b + b·length/average)): the first factor per term, the norm per chunk.
        var factors = cursors.Select(c => c.Term.Weight * c.Term.Idf * (parameters.K1 + 1)).ToArray();
        var lists = cursors.Select(c => c.Postings).ToArray();
        // Each term's part of the chunk's score, added up in term order once known: the same sum whichever terms were
        // walked and which looked up, so chunks with equal scores stay equal (and ordered by key).
        var parts = new double[lists.Length];
        var (k1, b) = (parameters.K1, parameters.B);
        var lengthFactor = k1 * b / Math.Max(averageLength, 1e-9);
        var below = new double[cursors.Count + 1]; // below[i]: the most terms [0, i) can add together
        for (var i = 0; i < cursors.Count; i++) below[i + 1] = below[i] + cursors[i].Bound;
        var essential = 0;
        void Sift()
        {
            // Margin: the bounds are summed in another order than the scores; a chunk is only skipped when clearly below.
            while (pruned && essential < cursors.Count && below[essential + 1] * (1 + 1e-9) < best.Threshold) essential++;
        }
        Sift();
        while (essential < cursors.Count)
        {
            var doc = NoMoreDocs;
            for (var i = essential; i < lists.Length; i++) doc = Math.Min(doc, lists[i].DocID);
            if (doc == NoMoreDocs) break;
            var norm = k1 * (1 - b) + lengthFactor * lengths[doc];
            var score = 0.0;
            Array.Clear(parts);
            for (var i = essential; i < lists.Length; i++)
            {
                var postings = lists[i];
                if (postings.DocID != doc) continue;
                double tf = postings.Freq;
                score += parts[i] = factors[i] * tf / (tf + norm);
                postings.NextDoc();
            }
            var candidate = true;
            for (var i = essential - 1; i >= 0; i--)
            {
                if ((score + below[i + 1]) * (1 + 1e-9) < best.Threshold)
                {
                    candidate = false;
                    break;
                }
                var postings = lists[i];
                if (postings.DocID < doc) postings.Advance(doc);
                if (postings.DocID != doc) continue;
                double tf = postings.Freq;
                score += parts[i] = factors[i] * tf / (tf + norm);
            }
            if (!candidate) continue;
            score = 0;
            foreach (var part in parts) score += part;
            if (best.Offer((ulong)keys[doc], score)) Sift();
        }
    }

    private double Score(QueryTerm term, double tf, double length, double averageLength) =>
        term.Weight * term.Idf * parameters.Saturated(tf, length, averageLength);

    /// <param name="MaxTf">The largest tf of the term in a chunk of the scopes (0 where not known: no pruning then).</param>
    /// <param name="MinLength">The shortest chunk of the scopes holding the term.</param>
    private readonly record struct QueryTerm(string Text, double Weight, long Df, double Docs, int MaxTf, int MinLength)
    {
        public double Idf => Bm25Parameters.Idf(Docs, Df);
    }

    /// <summary>
    /// The chunks a filter with access groups may see in one segment (decision 0040): on the tenant's own scopes, ungrouped
    /// chunks and those of the caller's groups (all of them when the caller has no restriction); on a shared knowledge base
    /// (another tenant's), ungrouped chunks only.
    /// </summary>
    private static IBits? Visible(AtomicReader reader, string scopeTenant, ChunkFilter filter)
    {
        var groups = scopeTenant == filter.TenantId ? filter.Groups : [];
        if (groups is null) return reader.LiveDocs;
        var visible = new FixedBitSet(reader.MaxDoc);
        foreach (var (field, value) in groups.Select(g => (Bm25ScopeIndex.Group, g)).Prepend((Bm25ScopeIndex.Ungrouped, "1")))
        {
            if (reader.GetTerms(field)?.GetEnumerator() is not { } enumerator || !enumerator.SeekExact(new BytesRef(value))) continue;
            var postings = enumerator.Docs(reader.LiveDocs, null, DocsFlags.NONE);
            for (var doc = postings.NextDoc(); doc != NoMoreDocs; doc = postings.NextDoc()) visible.Set(doc);
        }
        return visible;
    }

    private static long CountPostings(AtomicReader reader, IBits? accept, string term)
    {
        if (reader.GetTerms(Bm25ScopeIndex.Text)?.GetEnumerator() is not { } enumerator || !enumerator.SeekExact(new BytesRef(term))) return 0;
        var postings = enumerator.Docs(accept, null, DocsFlags.NONE);
        long count = 0;
        while (postings.NextDoc() != NoMoreDocs) count++;
        return count;
    }

    private readonly record struct ScopeStatistics(long Id, string TenantId, long Docs, long Length);

    private static List<ScopeStatistics> Statistics(SqliteConnection connection, ChunkFilter filter)
    {
        using var select = connection.CreateCommand();
        var pairs = filter.Scopes.Select((s, i) =>
        {
            select.Parameters.AddWithValue($"$t{i}", s.TenantId);
            select.Parameters.AddWithValue($"$kb{i}", s.KnowledgeBaseId);
            return $"(tenant_id = $t{i} AND kb_id = $kb{i})";
        });
        select.CommandText = $"SELECT id, tenant_id, docs, length FROM bm25_scopes WHERE {string.Join(" OR ", pairs)}";
        var scopes = new List<ScopeStatistics>();
        using var reader = select.ExecuteReader();
        while (reader.Read()) scopes.Add(new ScopeStatistics(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3)));
        return scopes;
    }

    /// <summary>A query term with its document frequency and score bounds over the scopes searched.</summary>
    private static QueryTerm Frequency(SqliteConnection connection, string scopeList, (string Term, double Weight) term, double docs)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT coalesce(sum(df), 0), coalesce(max(max_tf), 0), coalesce(min(min_length), 0) FROM bm25_terms WHERE scope IN ({scopeList}) AND term = $term";
        command.Parameters.AddWithValue("$term", Hash(term.Term));
        using var reader = command.ExecuteReader();
        reader.Read();
        return new QueryTerm(term.Term, term.Weight, reader.GetInt64(0), docs, reader.GetInt32(1), reader.GetInt32(2));
    }

    /// <summary>The best chunks offered so far, by score and then by key; every one offered when unbounded.</summary>
    private sealed class BestScores(int top)
    {
        // The worst kept first: the lowest score, and of equal scores the largest key.
        private readonly PriorityQueue<(ulong Key, double Score), (double Score, ulong Key)> _kept = new(
            Comparer<(double Score, ulong Key)>.Create((a, b) => a.Score != b.Score ? a.Score.CompareTo(b.Score) : b.Key.CompareTo(a.Key)));

        /// <summary>The score a chunk must reach to be kept (−∞ while fewer than <c>top</c> are).</summary>
        public double Threshold { get; private set; } = double.NegativeInfinity;

        /// <summary>Keeps the chunk if it is among the best; true when that raised the threshold.</summary>
        public bool Offer(ulong key, double score)
        {
            if (_kept.Count < top)
            {
                _kept.Enqueue((key, score), (score, key));
                if (_kept.Count < top) return false;
            }
            else
            {
                var worst = _kept.Peek();
                if (score < worst.Score || (score == worst.Score && key > worst.Key)) return false;
                _kept.DequeueEnqueue((key, score), (score, key));
            }
            var before = Threshold;
            Threshold = _kept.Peek().Score;
            return Threshold > before;
        }

        public List<(ulong Key, double Score)> Ranked() =>
            [.. _kept.UnorderedItems.Select(i => i.Element).OrderByDescending(s => s.Score).ThenBy(s => s.Key)];
    }
}
