namespace KnowledgePlatform.Core.Text;

/// <summary>
/// BM25's two constants: term-frequency saturation (k1) and document-length normalisation (b). One parameterisation
/// for every backend (the embedded index, the Qdrant sparse vectors, the calibration's local scorer; decision 0121).
/// </summary>
public sealed record Bm25Parameters(double K1 = 0.9, double B = 0.4)
{
    public static Bm25Parameters Default { get; } = new();

    /// <summary>Lucene's IDF, ln(1 + (N − df + 0.5)/(df + 0.5)): never negative, so a term in most chunks still adds a little. Qdrant's IDF modifier is the same.</summary>
    public static double Idf(double documents, double documentFrequency) =>
        Math.Log(1 + (documents - documentFrequency + 0.5) / (documentFrequency + 0.5));

    /// <summary>The term-frequency part of a chunk's score: tf·(k1 + 1)/(tf + k1·(1 − b + b·len/avgLen)).</summary>
    public double Saturated(double tf, double length, double averageLength) =>
        tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / Math.Max(averageLength, 1e-9)));
}
