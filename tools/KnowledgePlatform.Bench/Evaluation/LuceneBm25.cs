using System.Diagnostics;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Core.Text;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace KnowledgePlatform.Bench.Evaluation;

/// <summary>
/// Lucene.NET 4.8's BM25 over the same chunks as the embedded index, for the side-by-side comparison of decision 0166:
/// one index for the knowledge base in its own folder, the chunk's searchable text analysed by the platform's own
/// <see cref="FullTextAnalyzer"/> (so both engines see the same terms: Porter stemming, CJK bigrams), term
/// frequencies and lengths only (no positions), BM25 with the platform's k1 and b (exact lengths through
/// <see cref="ExactBm25Similarity"/>, or Lucene's own <see cref="BM25Similarity"/> with one-byte lengths), and a
/// query of one SHOULD clause per distinct query term boosted by its weight (stop words at half). Each document carries
/// a number: the chunk's position in the evaluation's list, or a negative one for a synthesised chunk.
/// </summary>
public sealed class LuceneBm25 : IDisposable
{
    private const string Text = "text";
    private const string Number = "n";

    private static readonly FieldType TextField = Frozen(new FieldType
    {
        IsIndexed = true, IsTokenized = true, IsStored = false, OmitNorms = false, IndexOptions = IndexOptions.DOCS_AND_FREQS,
    });

    private readonly string _folder;
    private readonly LuceneDirectory _directory;
    private readonly IndexWriter _writer;
    private readonly Similarity _similarity;
    private DirectoryReader? _reader;
    private IndexSearcher? _searcher;
    private NumericDocValues? _numbers;

    public LuceneBm25(string folder, Bm25Parameters parameters, bool exactLengths)
    {
        _folder = folder;
        _directory = FSDirectory.Open(folder);
        _similarity = exactLengths ? new ExactBm25Similarity(parameters) : new BM25Similarity((float)parameters.K1, (float)parameters.B);
        _writer = new IndexWriter(_directory, new IndexWriterConfig(LuceneVersion.LUCENE_48, new PlatformAnalyzer())
        {
            Similarity = _similarity, OpenMode = OpenMode.CREATE, RAMBufferSizeMB = 256,
        });
    }

    /// <summary>Time spent adding documents and committing, in seconds.</summary>
    public double BuildSeconds { get; private set; }

    public long Bytes => System.IO.Directory.EnumerateFiles(_folder).Sum(f => new FileInfo(f).Length);

    public int Segments => _reader?.Leaves.Count ?? 0;

    /// <summary>Adds chunks' searchable texts, numbered from <paramref name="firstNumber"/> on (negative for synthesised chunks: counting down).</summary>
    public void Add(IReadOnlyList<string> texts, long firstNumber, bool countDown = false)
    {
        var clock = Stopwatch.StartNew();
        // IndexWriter takes documents from several threads at once, each into its own segment buffer.
        Parallel.For(0, texts.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var document = new Document
            {
                new Field(Text, texts[i], TextField),
                new NumericDocValuesField(Number, countDown ? firstNumber - i : firstNumber + i),
            };
            _writer.AddDocument(document);
        });
        BuildSeconds += clock.Elapsed.TotalSeconds;
    }

    /// <summary>Commits what was added and opens a searcher on it (the time counts as building).</summary>
    public void Commit()
    {
        var clock = Stopwatch.StartNew();
        _writer.Commit();
        _reader?.Dispose();
        _reader = DirectoryReader.Open(_directory);
        _searcher = new IndexSearcher(_reader) { Similarity = _similarity };
        _numbers = MultiDocValues.GetNumericValues(_reader, Number);
        BuildSeconds += clock.Elapsed.TotalSeconds;
    }

    /// <summary>The best <paramref name="top"/> chunks' numbers with their scores, best first.</summary>
    public List<(long Number, double Score)> Search(string query, int top)
    {
        if (_searcher is null || _numbers is null) throw new InvalidOperationException("Commit before searching.");
        var clauses = new BooleanQuery();
        foreach (var term in FullTextAnalyzer.QueryTerms(query).GroupBy(t => t.Term, StringComparer.Ordinal))
            clauses.Add(new TermQuery(new Term(Text, term.Key)) { Boost = (float)term.Sum(t => t.Weight) }, Occur.SHOULD);
        if (clauses.Clauses.Count == 0) return [];
        return [.. _searcher.Search(clauses, top).ScoreDocs.Select(d => (_numbers.Get(d.Doc), (double)d.Score))];
    }

    /// <summary>Hits as the retriever would list them, for the ranking metrics: only the evaluation's own chunks can be judged.</summary>
    public static IReadOnlyList<Rag.Retrieval.RetrievedChunk> Hits(IEnumerable<(long Number, double Score)> found, IReadOnlyList<ChunkPayload> chunks) =>
        [.. found.Where(f => f.Number >= 0).Select((f, rank) => new Rag.Retrieval.RetrievedChunk(chunks[(int)f.Number], f.Score, null, null, f.Score, rank + 1))];

    public void Dispose()
    {
        _reader?.Dispose();
        _writer.Dispose();
        _directory.Dispose();
    }

    private static FieldType Frozen(FieldType type)
    {
        type.Freeze();
        return type;
    }

    /// <summary>The platform's analysis as a Lucene analyzer: the whole field read, then <see cref="FullTextAnalyzer.Terms"/>.</summary>
    private sealed class PlatformAnalyzer : Analyzer
    {
        protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader) => new(new PlatformTokenizer(reader));
    }

    private sealed class PlatformTokenizer : Tokenizer
    {
        private readonly ICharTermAttribute _term;
        private List<string>? _terms;

        public PlatformTokenizer(TextReader reader) : base(reader) => _term = AddAttribute<ICharTermAttribute>();

        private int _next;

        public override bool IncrementToken()
        {
            _terms ??= FullTextAnalyzer.Terms(m_input.ReadToEnd());
            if (_next >= _terms.Count) return false;
            ClearAttributes();
            _term.SetEmpty().Append(_terms[_next++]);
            return true;
        }

        public override void Reset()
        {
            base.Reset();
            (_terms, _next) = (null, 0);
        }
    }
}
