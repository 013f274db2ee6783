namespace KnowledgePlatform.Infrastructure.Embeddings;

/// <summary>How many length-sorted texts go into one ONNX Runtime run.</summary>
/// <param name="MaxTexts">Texts per run at most.</param>
/// <param name="MaxTokens">Padded tokens (texts × longest) per run at most; one long text always runs.</param>
/// <param name="MaxPadding">Padding allowed, as a share of the real tokens of the run: a much longer text starts a new run.</param>
public sealed record OnnxBatching(int MaxTexts, int MaxTokens, double MaxPadding = 0.1)
{
    /// <summary>
    /// Small runs of up to 4 texts: on the 2-core development machine, with the machine otherwise quiet,
    /// runs of 4 length-sorted texts were about 7% faster than single texts and runs of 32 about 10% slower
    /// (while other processes loaded the cores, single texts were best). docs/benchmarks/ingestion.md has the
    /// figures; measure with <c>kp-bench ingest</c> before changing Embedding:BatchSize on other machines.
    /// </summary>
    public static OnnxBatching Default { get; } = new(4, 2048);

    public static OnnxBatching From(EmbeddingOptions options) => new(options.OnnxBatchSize, options.BatchTokens);

    /// <summary>How many of <paramref name="sorted"/> (shortest first) the next run takes.</summary>
    public int Take(ReadOnlySpan<int> sorted, Func<int, int> length)
    {
        var count = 1;
        long tokens = length(sorted[0]);
        while (count < sorted.Length && count < MaxTexts)
        {
            var next = length(sorted[count]);
            var padded = (long)(count + 1) * next;
            if (padded > MaxTokens || padded > (1 + MaxPadding) * (tokens + next)) break;
            tokens += next;
            count++;
        }
        return count;
    }
}
