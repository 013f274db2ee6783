using System.Text;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Core.Text;
using KnowledgePlatform.Ingestion.Extraction;

namespace KnowledgePlatform.Ingestion.Chunking;

/// <summary>
/// Structure-aware, token-bounded chunking: chunks follow headings (never span two sections), a table
/// is split by rows with its header repeated in every piece, a question stays with its answer, and
/// running text is packed up to <see cref="ChunkingSettings.MaxTokens"/> with a sentence-aligned overlap.
/// </summary>
/// <remarks>
/// Every sentence, row and word is counted once. Pieces joined by whitespace count as the sum of their
/// counts less the tokens every count includes once (the model's [CLS] and [SEP]: what an empty text
/// counts), which is exact for tokenizers that split words at whitespace, as the embedding models do.
/// </remarks>
public sealed class Chunker(ITokenCounter tokens)
{
    private readonly int _overhead = tokens.CountTokens("");

    public IReadOnlyList<ChunkDraft> Chunk(ExtractedDocument document, ChunkingSettings settings)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.MaxTokens, 16);
        var chunks = new List<ChunkDraft>();
        var text = new TextPacker(this, settings, chunks);
        foreach (var block in document.Blocks)
        {
            if (!text.SameSection(block)) text.Flush(keepOverlap: false);
            switch (block)
            {
                case ParagraphBlock p:
                    text.Add(p);
                    break;
                case TableBlock t:
                    text.Flush(keepOverlap: false);
                    chunks.AddRange(ChunkTable(t, settings));
                    break;
                case QuestionAnswerBlock qa:
                    text.Flush(keepOverlap: false);
                    var body = $"Q: {qa.Question}\nA: {qa.Answer}";
                    chunks.Add(new ChunkDraft(body, qa.HeadingPath, qa.Source.Page, qa.Source.Line, ChunkKind.QuestionAnswer, Count(body)));
                    break;
            }
        }
        text.Flush(keepOverlap: false);
        return chunks;
    }

    internal int Count(string text) => tokens.CountTokens(text);

    /// <summary>Tokens of <paramref name="text"/> + whitespace + a piece of <paramref name="pieceTokens"/> tokens.</summary>
    internal int Join(int text, int pieceTokens) => text + pieceTokens - _overhead;

    private IEnumerable<ChunkDraft> ChunkTable(TableBlock table, ChunkingSettings settings)
    {
        var header = new StringBuilder();
        if (!string.IsNullOrWhiteSpace(table.Caption)) header.Append(table.Caption).Append('\n');
        header.Append(Row(table.Header)).Append('\n').Append(Row(table.Header.Select(_ => "---"))).Append('\n');
        var headerText = header.ToString();
        var headerTokens = Count(headerText);

        var piece = new StringBuilder(headerText);
        var pieceTokens = headerTokens;
        var rowsInPiece = 0;
        foreach (var row in table.Rows)
        {
            var line = Row(row) + "\n";
            var rowTokens = Count(line);
            // A row always joins a piece with the header, even when that piece is over budget.
            if (rowsInPiece > 0 && Join(pieceTokens, rowTokens) > settings.MaxTokens)
            {
                yield return TableDraft(piece.ToString(), table, pieceTokens);
                piece.Clear().Append(headerText);
                pieceTokens = headerTokens;
                rowsInPiece = 0;
            }
            piece.Append(line);
            pieceTokens = Join(pieceTokens, rowTokens);
            rowsInPiece++;
        }
        if (rowsInPiece > 0 || table.Rows.Count == 0) yield return TableDraft(piece.ToString(), table, pieceTokens);
    }

    private static ChunkDraft TableDraft(string text, TableBlock table, int tokenCount) =>
        new(text.TrimEnd(), table.HeadingPath, table.Source.Page, table.Source.Line, ChunkKind.Table, tokenCount);

    private static string Row(IEnumerable<string> cells) =>
        "| " + string.Join(" | ", cells.Select(c => c.Replace('\n', ' ').Replace("|", "\\|", StringComparison.Ordinal))) + " |";

    /// <summary>Packs sentences of consecutive paragraphs of one section into chunks.</summary>
    private sealed class TextPacker(Chunker owner, ChunkingSettings settings, List<ChunkDraft> output)
    {
        private readonly List<(string Text, int Tokens)> _sentences = [];
        private int _tokens;
        private IReadOnlyList<string>? _headingPath;
        private SourceSpan? _start;

        public bool SameSection(Block block) => _headingPath is null || _headingPath.SequenceEqual(block.HeadingPath);

        public void Add(ParagraphBlock paragraph)
        {
            _headingPath ??= paragraph.HeadingPath;
            foreach (var line in paragraph.Text.Split('\n'))
            {
                var first = true;
                foreach (var sentence in Sentences.Split(line))
                {
                    foreach (var (part, n) in FitToBudget(sentence))
                    {
                        if (_sentences.Count > 0 && owner.Join(_tokens, n) > settings.MaxTokens) Flush(keepOverlap: true);
                        _start ??= paragraph.Source;
                        // A line or paragraph break is kept as a newline before the line's first sentence.
                        _sentences.Add((first && _sentences.Count > 0 ? "\n" + part : part, n));
                        _tokens = _sentences.Count == 1 ? n : owner.Join(_tokens, n);
                        first = false;
                    }
                }
            }
        }

        public void Flush(bool keepOverlap)
        {
            if (_sentences.Count == 0)
            {
                if (!keepOverlap) _headingPath = null;
                return;
            }
            output.Add(new ChunkDraft(Join(_sentences), _headingPath ?? [], _start?.Page, _start?.Line, ChunkKind.Text, _tokens));

            var carried = new List<(string, int)>();
            var carriedTokens = 0;
            if (keepOverlap && settings.OverlapTokens > 0)
            {
                var budget = settings.OverlapTokens;
                for (var i = _sentences.Count - 1; i > 0 && _sentences[i].Tokens <= budget; i--)
                {
                    carried.Insert(0, (_sentences[i].Text.TrimStart('\n'), _sentences[i].Tokens));
                    carriedTokens = carried.Count == 1 ? _sentences[i].Tokens : owner.Join(carriedTokens, _sentences[i].Tokens);
                    budget -= _sentences[i].Tokens;
                }
            }
            _sentences.Clear();
            _sentences.AddRange(carried);
            _tokens = carriedTokens;
            if (!keepOverlap) _headingPath = null;
            _start = null;
        }

        /// <summary>A sentence longer than the budget is cut at word boundaries; each part with its token count.</summary>
        private IEnumerable<(string Text, int Tokens)> FitToBudget(string sentence)
        {
            var count = owner.Count(sentence);
            if (count <= settings.MaxTokens)
            {
                yield return (sentence, count);
                yield break;
            }
            var piece = new StringBuilder();
            var pieceTokens = 0;
            foreach (var word in sentence.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var wordTokens = owner.Count(word);
                if (piece.Length > 0 && owner.Join(pieceTokens, wordTokens) > settings.MaxTokens)
                {
                    yield return (piece.ToString(), pieceTokens);
                    piece.Clear();
                }
                pieceTokens = piece.Length == 0 ? wordTokens : owner.Join(pieceTokens, wordTokens);
                if (piece.Length > 0) piece.Append(' ');
                piece.Append(word);
            }
            if (piece.Length > 0) yield return (piece.ToString(), pieceTokens);
        }

        private static string Join(List<(string Text, int Tokens)> sentences)
        {
            var sb = new StringBuilder();
            foreach (var (text, _) in sentences)
            {
                if (sb.Length > 0 && !text.StartsWith('\n')) sb.Append(' ');
                sb.Append(text);
            }
            return sb.ToString().Trim();
        }
    }
}
