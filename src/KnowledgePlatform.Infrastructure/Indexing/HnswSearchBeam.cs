namespace KnowledgePlatform.Infrastructure.Indexing;

/// <summary>
/// How wide the embedded index searches a knowledge base's HNSW graph (USearch's expansion, HNSW's ef): wider as the
/// graph grows, so recall@10 against exact search stays near 0.98 at every size. A beam of 128 gave 0.987 at 10,000
/// vectors, 0.968 at 100,000 and 0.932 at 1,000,000; 256 gave 0.997, 0.990 and 0.965 (covidqa-passages padded with
/// synthesised chunks, docs/benchmarks/retrieval.md). The beam grows with size to the power 0.45: 128 up to 10,000
/// vectors, about 360 at 100,000 and 1,000 at a million, where it stops.
/// </summary>
public static class HnswSearchBeam
{
    public const int Narrowest = 128;
    public const int Widest = 1024;

    public static int For(long vectors) =>
        vectors <= 10_000 ? Narrowest : (int)Math.Min(Widest, Math.Round(Narrowest * Math.Pow(vectors / 10_000.0, 0.45)));
}
