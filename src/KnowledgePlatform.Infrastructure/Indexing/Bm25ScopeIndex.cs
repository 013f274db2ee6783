using System.Globalization;
using System.Runtime.CompilerServices;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Store;
using Lucene.Net.Util;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace KnowledgePlatform.Infrastructure.Indexing;

/// <summary>
/// One knowledge base's BM25 postings (one tenant's, decision 0166) in a Lucene.NET index of its own folder: per chunk
/// its analysed terms with their frequencies (no positions, no norms), its exact length and key as doc values, and its
/// access groups as terms. Lucene stores and reads the postings; <see cref="Bm25Index"/> scores them. Derived data: the
/// last commit records the version of the scope's rows it holds, and a folder behind its rows is rebuilt from them.
/// </summary>
internal sealed class Bm25ScopeIndex : IDisposable
{
    public const string Text = "text";
    public const string Key = "key";
    public const string Length = "length";
    public const string Group = "group";
    public const string Ungrouped = "ungrouped";
    private const string Id = "id";
    private const string VersionData = "version";
    private const double CachedSegmentMB = 16;

    private static readonly FieldType TextType = Frozen(new FieldType
    {
        IsIndexed = true, IsTokenized = true, IsStored = false, OmitNorms = true, IndexOptions = IndexOptions.DOCS_AND_FREQS,
    });

    private readonly LuceneDirectory _directory;
    private readonly IndexWriter _writer;
    private readonly ConditionalWeakTable<object, Columns> _columns = new();
    private DirectoryReader _reader;
    private long _committedVersion;
    private long _changedAt;
    private long _committedAt = Environment.TickCount64;

    /// <summary>
    /// Opens the scope's folder. When its last commit holds another version than <paramref name="version"/> (the rows'),
    /// or there is none, everything in it is dropped and <paramref name="fill"/> hands the scope's chunks (read at that
    /// version) to the add it is given, from any number of threads.
    /// </summary>
    public Bm25ScopeIndex(string folder, long version, Action<Action<long, IReadOnlyList<string>, IReadOnlyList<string>>> fill)
    {
        System.IO.Directory.CreateDirectory(folder);
        // Every publish flushes a small segment: kept in memory (up to CachedSegmentMB in all) until a commit or a merge
        // writes it, not a dozen files created and soon merged away, which cost a fifth of ingestion's own CPU here.
        _directory = new NRTCachingDirectory(FSDirectory.Open(folder), CachedSegmentMB, CachedSegmentMB);
        try
        {
            _writer = new IndexWriter(_directory, new IndexWriterConfig(LuceneVersion.LUCENE_48, new NothingToAnalyse())
            {
                OpenMode = OpenMode.CREATE_OR_APPEND, RAMBufferSizeMB = 32,
                // A merged segment's columns are read on the merge thread, before searches see it, not by the first search.
                MergedSegmentWarmer = new ColumnsWarmer(this),
            });
        }
        catch (LockObtainFailedException locked)
        {
            _directory.Dispose();
            throw new InvalidOperationException(
                $"The keyword index {folder} is open in another process (a server, a worker or kp on the same data folder): the embedded index serves one process at a time.", locked);
        }
        var held = _writer.CommitData.TryGetValue(VersionData, out var text) ? long.Parse(text, CultureInfo.InvariantCulture) : -1;
        if (held != version || !DirectoryReader.IndexExists(_directory))
        {
            _writer.DeleteAll();
            fill(Add);
            Commit(version);
        }
        (Version, _committedVersion) = (version, version);
        _reader = DirectoryReader.Open(_writer, applyAllDeletes: true);
    }

    /// <summary>The version of the scope's rows that searches see.</summary>
    public long Version { get; private set; }

    /// <summary>What searches read: the postings as of <see cref="Version"/>.</summary>
    public DirectoryReader Reader => _reader;

    /// <summary>A segment's chunk keys and lengths, by document: its doc values read once into arrays.</summary>
    public sealed record Columns(long[] Keys, int[] Lengths);

    /// <summary>
    /// The keys and lengths of a segment's chunks. Doc values are packed and decode on every lookup, which was half of
    /// a search's scoring time; read once per segment (its core, shared by every reader of it) they are array reads.
    /// </summary>
    public Columns ColumnsOf(AtomicReader segment) => _columns.GetValue(segment.CoreCacheKey, _ =>
    {
        var (keys, lengths) = (segment.GetNumericDocValues(Key), segment.GetNumericDocValues(Length));
        var columns = new Columns(new long[segment.MaxDoc], new int[segment.MaxDoc]);
        for (var doc = 0; doc < segment.MaxDoc; doc++)
        {
            columns.Keys[doc] = keys?.Get(doc) ?? 0;
            columns.Lengths[doc] = (int)(lengths?.Get(doc) ?? 0);
        }
        return columns;
    });

    /// <summary>Adds a chunk; searches see it once <see cref="Publish"/> is called.</summary>
    public void Add(long key, IReadOnlyList<string> groups, IReadOnlyList<string> terms)
    {
        var document = new Document
        {
            new Field(Text, new TermList(terms), TextType),
            new StringField(Id, key.ToString(CultureInfo.InvariantCulture), Field.Store.NO),
            new NumericDocValuesField(Key, key),
            new NumericDocValuesField(Length, terms.Count),
        };
        if (groups.Count == 0) document.Add(new StringField(Ungrouped, "1", Field.Store.NO));
        foreach (var group in groups) document.Add(new StringField(Group, group, Field.Store.NO));
        _writer.AddDocument(document);
    }

    public void Delete(IEnumerable<long> keys) =>
        _writer.DeleteDocuments([.. keys.Select(k => new Term(Id, k.ToString(CultureInfo.InvariantCulture)))]);

    /// <summary>Makes the changes since the last publish visible, as those of <paramref name="version"/> of the rows.</summary>
    public void Publish(long version)
    {
        if (DirectoryReader.OpenIfChanged(_reader, _writer, applyAllDeletes: true) is { } newer)
        {
            _reader.Dispose();
            _reader = newer;
        }
        Version = version;
        _changedAt = Environment.TickCount64;
    }

    /// <summary>Whether the writer merged segments since the reader opened (or holds changes not published yet).</summary>
    public bool Behind => !_reader.IsCurrent();

    /// <summary>
    /// Opens the reader again on the segments merged in the background since the last publish: every write publishes a
    /// small segment, and a reader that kept them all would walk hundreds. The caller holds off writes and searches.
    /// </summary>
    public void Refresh()
    {
        if (DirectoryReader.OpenIfChanged(_reader, _writer, applyAllDeletes: true) is not { } newer) return;
        _reader.Dispose();
        _reader = newer;
    }

    /// <summary>
    /// Commits the published changes when they have settled (unchanged for <paramref name="settle"/>, or last committed
    /// <paramref name="atMost"/> ago), or at once without them. The caller holds off writes meanwhile.
    /// </summary>
    public void CommitIfChanged(TimeSpan? settle = null, TimeSpan? atMost = null)
    {
        if (_committedVersion == Version) return;
        var now = Environment.TickCount64;
        if (settle is { } quiet && now - _changedAt < quiet.TotalMilliseconds && now - _committedAt < atMost!.Value.TotalMilliseconds) return;
        Commit(Version);
    }

    private void Commit(long version)
    {
        _writer.SetCommitData(new Dictionary<string, string> { [VersionData] = version.ToString(CultureInfo.InvariantCulture) });
        _writer.Commit();
        (_committedVersion, _committedAt) = (version, Environment.TickCount64);
    }

    /// <summary>Drops the changes since the last commit and closes the index: the next open compares versions and rebuilds.</summary>
    public void Abandon()
    {
        _reader.Dispose();
        _writer.Rollback();
        _directory.Dispose();
    }

    public void Dispose()
    {
        _reader.Dispose();
        _writer.Dispose();
        _directory.Dispose();
    }

    private static FieldType Frozen(FieldType type)
    {
        type.Freeze();
        return type;
    }

    /// <summary>Terms analysed already (by <c>FullTextAnalyzer</c>, for the statistics too), handed to Lucene as they are.</summary>
    private sealed class TermList : TokenStream
    {
        private readonly IReadOnlyList<string> _terms;
        private readonly ICharTermAttribute _term;
        private int _next;

        public TermList(IReadOnlyList<string> terms)
        {
            _terms = terms;
            _term = AddAttribute<ICharTermAttribute>();
        }

        public override bool IncrementToken()
        {
            if (_next >= _terms.Count) return false;
            ClearAttributes();
            _term.SetEmpty().Append(_terms[_next++]);
            return true;
        }

        public override void Reset()
        {
            base.Reset();
            _next = 0;
        }
    }

    private sealed class ColumnsWarmer(Bm25ScopeIndex index) : IndexWriter.IndexReaderWarmer
    {
        public override void Warm(AtomicReader reader) => index.ColumnsOf(reader);
    }

    /// <summary>Every field is analysed before it reaches Lucene (or is a single term): nothing is left for an analyzer.</summary>
    private sealed class NothingToAnalyse : Analyzer
    {
        protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader) =>
            throw new InvalidOperationException($"Field {fieldName} should have been analysed before indexing.");
    }
}
