using System.Text.Json;

namespace KnowledgePlatform.Ingestion.Extraction.TextFormats;

/// <summary>
/// JSON Lines: one object per line. "question" + "answer" become a question and its answer;
/// "text" (or "content") becomes a paragraph. An optional "title" is the block's heading.
/// Lines without these fields are skipped; a line that is not a JSON object is a <c>jsonl_malformed</c> error.
/// </summary>
public sealed class JsonLinesExtractor : IDocumentExtractor
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 32, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public FileFormat Format => FileFormat.JsonLines;

    public async Task<ExtractedDocument> ExtractAsync(Stream content, string fileName, CancellationToken cancellationToken)
    {
        var text = await Text.ReadTextAsync(content, cancellationToken);
        var blocks = new BlockList();
        foreach (var (number, line) in Text.Lines(text))
        {
            if (number % 1024 == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            JsonDocument json;
            try
            {
                json = JsonDocument.Parse(line, Options);
            }
            catch (JsonException ex)
            {
                throw Malformed(number, "is not valid JSON", ex);
            }

            using (json)
            {
                if (json.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw Malformed(number, "is not a JSON object");
                }

                var root = json.RootElement;
                var title = Field(root, "title");
                var path = title.Length > 0 ? [Text.Normalize(title)] : Array.Empty<string>();
                var source = new SourceSpan(Line: number);
                var question = Field(root, "question");
                var answer = Field(root, "answer");
                if (question.Length > 0 || answer.Length > 0)
                {
                    blocks.AddQuestion(question, answer, path, source);
                }
                else
                {
                    var body = Field(root, "text");
                    blocks.AddParagraph(body.Length > 0 ? body : Field(root, "content"), path, source);
                }
            }
        }

        return blocks.Count == 0
            ? throw new ExtractionException("jsonl_malformed",
                "No line of the JSON Lines file has a \"question\"/\"answer\" or a \"text\"/\"content\" field.")
            : new ExtractedDocument(null, blocks.Blocks);
    }

    private static ExtractionException Malformed(int line, string problem, Exception? inner = null) =>
        new("jsonl_malformed", $"The JSON Lines file is malformed: line {line} {problem}; each line must be one JSON object.", inner);

    /// <summary>A field's text, matched case-insensitively; strings as they are, arrays of strings joined by lines.</summary>
    private static string Field(JsonElement root, string name)
    {
        foreach (var property in root.EnumerateObject())
        {
            if (!string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var value = property.Value;
            return value.ValueKind switch
            {
                JsonValueKind.String => value.GetString() ?? string.Empty,
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
                JsonValueKind.Array => string.Join('\n', value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString())),
                _ => string.Empty,
            };
        }

        return string.Empty;
    }
}
