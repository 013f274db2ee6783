using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Core.Text;
using Microsoft.Data.Sqlite;

namespace KnowledgePlatform.Infrastructure.Indexing;

/// <summary>
/// BM25 search with MaxScore pruning (decision 130). Query terms are taken by the upper bound of their score first
/// (their score in a chunk with the term's largest tf and the shortest length of a chunk holding it). Each term's postings are read in full only while a chunk not
/// seen yet could still reach the best <c>top</c> with the terms left; after that, the remaining terms are looked
/// up only for the chunks that can still make it. The result is the same best <c>top</c> as scoring every
/// posting: the common terms of a question ("the", "of", "what") are no longer read posting by posting.
/// </summary>
internal sealed partial class Bm25Index
{
    /// <summary>
    /// The best <paramref name="top"/> chunks of the filter's scopes (the tenant's knowledge bases and those shared
    /// with it) that hold a query term and that the filter's access groups may see, with their BM25 scores, best
    /// first. Statistics are those of the knowledge bases searched, taken together; the group condition is part
    /// of the postings query, and with it (or with <paramref name="top"/> int.MaxValue) every posting is scored.
    /// </summary>
    public List<(ulong Key, double Score)> Search(SqliteConnection connection, ChunkFilter filter, string query, int top)
    {
        // A repeated query term counts once per occurrence; a stop word at its lower weight.
        var queryTerms = FullTextAnalyzer.QueryTerms(query).GroupBy(t => Hash(t.Term)).Select(g => (Term: g.Key, Weight: g.Sum(t => t.Weight))).ToList();
        if (queryTerms.Count == 0 || filter.Scopes.Count == 0) return [];
        var (scopes, docs, averageLength) = Statistics(connection, filter);
        if (docs == 0) return [];

        var grouped = filter.Groups is not null || filter.Shared is { Count: > 0 };
        using var read = connection.CreateCommand();
        var scopeList = string.Join(",", scopes);
        read.CommandText = grouped
            ? $"""
               SELECT p.key, p.tf, p.length FROM bm25_postings p JOIN chunks c ON c.key = p.key
               WHERE p.scope IN ({scopeList}) AND p.term = $term AND {EmbeddedChunkIndex.VisibleCondition(read, filter, "c.tenant_id", "c.groups")}
               """
            : $"SELECT key, tf, length FROM bm25_postings WHERE scope IN ({scopeList}) AND term = $term";
        var termParameter = read.Parameters.Add("$term", SqliteType.Integer);

        // Document frequencies from the per-scope table; with a group condition they are those of the visible postings, as before.
        double Score(QueryTerm term, int tf, int length) => term.Weight * term.Idf * parameters.Saturated(tf, length, averageLength);
        // A term's upper bound: its score in a chunk with its largest tf and the shortest length of a chunk holding it.
        double UpperBound(QueryTerm term) => Score(term, term.MaxTf, term.MinLength);
        var terms = queryTerms.Select(t => grouped ? new QueryTerm(t.Term, t.Weight, CountVisible(read, termParameter, t.Term), docs, 0, 0) : Frequency(connection, scopeList, t, docs))
            .Where(t => t.Df > 0).OrderByDescending(UpperBound).ToList();

        var remaining = new double[terms.Count + 1]; // remaining[i]: the most the terms from i on can add
        for (var i = terms.Count - 1; i >= 0; i--) remaining[i] = remaining[i + 1] + UpperBound(terms[i]);
        var pruned = !grouped && top != int.MaxValue;
        var scores = new Dictionary<ulong, double>();
        for (var i = 0; i < terms.Count; i++)
        {
            var threshold = pruned ? Threshold(scores, top) : 0;
            if (threshold > remaining[i])
            {
                // No chunk unseen so far can reach the best `top`: the terms left only complete the candidates' scores.
                foreach (var candidate in scores.Where(s => s.Value + remaining[i] < threshold).Select(s => s.Key).ToList()) scores.Remove(candidate);
                for (var j = i; j < terms.Count && scores.Count > 0; j++)
                {
                    foreach (var (key, tf, length) in Lookup(connection, scopeList, terms[j].Term, [.. scores.Keys]))
                        scores[key] += Score(terms[j], tf, length);
                    threshold = Threshold(scores, top);
                    foreach (var candidate in scores.Where(s => s.Value + remaining[j + 1] < threshold).Select(s => s.Key).ToList()) scores.Remove(candidate);
                }
                break;
            }
            termParameter.Value = terms[i].Term;
            using var reader = read.ExecuteReader();
            while (reader.Read())
            {
                var key = (ulong)reader.GetInt64(0);
                scores[key] = scores.GetValueOrDefault(key) + Score(terms[i], reader.GetInt32(1), reader.GetInt32(2));
            }
        }
        var ranked = scores.Select(s => (s.Key, s.Value)).OrderByDescending(s => s.Value).ThenBy(s => s.Key);
        return top == int.MaxValue ? ranked.ToList() : ranked.Take(top).ToList();
    }

    /// <param name="MaxTf">The largest tf of the term in a chunk of the scopes (0 where not known: no pruning then).</param>
    /// <param name="MinLength">The shortest chunk of the scopes holding the term.</param>
    private readonly record struct QueryTerm(long Term, double Weight, long Df, double Docs, int MaxTf, int MinLength)
    {
        public double Idf => Bm25Parameters.Idf(Docs, Df);
    }

    /// <summary>The score a chunk must beat to be among the best <paramref name="top"/> so far (0 while fewer are scored).</summary>
    private static double Threshold(Dictionary<ulong, double> scores, int top)
    {
        if (scores.Count < top) return 0;
        var values = scores.Values.ToArray();
        // The top-th largest: the (Count − top)-th smallest.
        return QuickSelect(values, values.Length - top);
    }

    private static double QuickSelect(double[] values, int k)
    {
        var (low, high) = (0, values.Length - 1);
        while (low < high)
        {
            var pivot = values[(low + high) >>> 1];
            var (i, j) = (low, high);
            while (i <= j)
            {
                while (values[i] < pivot) i++;
                while (values[j] > pivot) j--;
                if (i <= j) (values[i], values[j], i, j) = (values[j], values[i], i + 1, j - 1);
            }
            if (k <= j) high = j;
            else if (k >= i) low = i;
            else return values[k];
        }
        return values[k];
    }

    private static (List<long> Scopes, double Docs, double AverageLength) Statistics(SqliteConnection connection, ChunkFilter filter)
    {
        var scopes = new List<long>();
        double docs = 0, length = 0;
        using var select = connection.CreateCommand();
        var pairs = filter.Scopes.Select((s, i) =>
        {
            select.Parameters.AddWithValue($"$t{i}", s.TenantId);
            select.Parameters.AddWithValue($"$kb{i}", s.KnowledgeBaseId);
            return $"(tenant_id = $t{i} AND kb_id = $kb{i})";
        });
        select.CommandText = $"SELECT id, docs, length FROM bm25_scopes WHERE {string.Join(" OR ", pairs)}";
        using var reader = select.ExecuteReader();
        while (reader.Read())
        {
            scopes.Add(reader.GetInt64(0));
            docs += reader.GetInt64(1);
            length += reader.GetInt64(2);
        }
        return (scopes, docs, docs == 0 ? 0 : length / docs);
    }

    /// <summary>A query term with its document frequency and score bounds over the scopes searched.</summary>
    private static QueryTerm Frequency(SqliteConnection connection, string scopeList, (long Term, double Weight) term, double docs)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT coalesce(sum(df), 0), coalesce(max(max_tf), 0), coalesce(min(min_length), 0) FROM bm25_terms WHERE scope IN ({scopeList}) AND term = $term";
        command.Parameters.AddWithValue("$term", term.Term);
        using var reader = command.ExecuteReader();
        reader.Read();
        return new QueryTerm(term.Term, term.Weight, reader.GetInt64(0), docs, reader.GetInt32(1), reader.GetInt32(2));
    }

    private static long CountVisible(SqliteCommand read, SqliteParameter termParameter, long term)
    {
        termParameter.Value = term;
        using var reader = read.ExecuteReader();
        long count = 0;
        while (reader.Read()) count++;
        return count;
    }

    /// <summary>A term's postings for the given chunks only, by primary-key lookups.</summary>
    private static List<(ulong Key, int Tf, int Length)> Lookup(SqliteConnection connection, string scopeList, long term, IReadOnlyList<ulong> keys)
    {
        var found = new List<(ulong, int, int)>();
        foreach (var slice in keys.Chunk(500))
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT key, tf, length FROM bm25_postings WHERE scope IN ({scopeList}) AND term = $term AND key IN ({string.Join(",", slice)})";
            command.Parameters.AddWithValue("$term", term);
            using var reader = command.ExecuteReader();
            while (reader.Read()) found.Add(((ulong)reader.GetInt64(0), reader.GetInt32(1), reader.GetInt32(2)));
        }
        return found;
    }
}
