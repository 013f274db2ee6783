using Qdrant.Client.Grpc;
using static Qdrant.Client.Grpc.Conditions;

namespace KnowledgePlatform.Infrastructure.Indexing.Qdrant;

/// <summary>
/// The version resolution of decision 0094, free of I/O: from the documents in transition, the conditions that keep a
/// search on one generation of each. A published transition keeps only its live generation of the document; an
/// unpublished one hides the generations being written. Documents without a transition get no clause.
/// </summary>
public static class LiveGenerationFilter
{
    public static void Apply(Filter filter, IEnumerable<IndexTransition> transitions)
    {
        foreach (var t in transitions)
        {
            var clause = new Filter { Must = { MatchKeyword(QdrantSchema.Fields.Document, t.DocumentId) } };
            if (t.LiveGeneration is { } live) clause.MustNot.Add(MatchKeyword(QdrantSchema.Fields.Generation, live));
            else if (t.HiddenGenerations.Count > 0) clause.Must.Add(Match(QdrantSchema.Fields.Generation, t.HiddenGenerations));
            else continue;
            filter.MustNot.Add(new Condition { Filter = clause });
        }
    }

    /// <summary>The request's filter and every prefetch's, so a fused query hides the same points in each signal.</summary>
    public static QueryPoints Apply(QueryPoints query, IReadOnlyList<IndexTransition> transitions)
    {
        if (transitions.Count == 0) return query;
        Apply(query.Filter, transitions);
        foreach (var prefetch in query.Prefetch) Apply(prefetch.Filter, transitions);
        return query;
    }
}
