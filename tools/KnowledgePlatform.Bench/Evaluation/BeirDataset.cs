using System.Text.Json;

namespace KnowledgePlatform.Bench.Evaluation;

/// <summary>
/// A retrieval test set in BEIR layout: corpus.jsonl ({"_id" or "id", "title", "text"} per line),
/// queries.jsonl ({"_id" or "id", "text"}) and qrels.tsv (query id, document id, relevance grade; an
/// optional header line). Relevance grades above 0 count as relevant; only judged queries are kept. An optional
/// answers.jsonl ({"query_id", "answer"}) gives gold answers.
/// </summary>
public sealed record BeirDataset(
    string Name,
    IReadOnlyList<BeirDocument> Corpus,
    IReadOnlyList<BeirQuery> Queries,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Qrels)
{
    /// <summary>Gold answers by query id (empty when the set has no answers.jsonl).</summary>
    public IReadOnlyDictionary<string, string> Answers { get; init; } = new Dictionary<string, string>();

    public static async Task<BeirDataset> LoadAsync(string folder, CancellationToken cancellationToken)
    {
        string File(string name) =>
            System.IO.File.Exists(Path.Combine(folder, name)) ? Path.Combine(folder, name)
            : System.IO.File.Exists(Path.Combine(folder, "qrels", "test.tsv")) && name == "qrels.tsv" ? Path.Combine(folder, "qrels", "test.tsv")
            : throw new FileNotFoundException($"{folder} has no {name} (BEIR layout: corpus.jsonl, queries.jsonl, qrels.tsv).", name);

        var corpus = new List<BeirDocument>();
        await foreach (var json in JsonLines(File("corpus.jsonl"), cancellationToken))
            corpus.Add(new BeirDocument(Id(json), Field(json, "title"), Field(json, "text")));

        var qrels = new Dictionary<string, Dictionary<string, int>>();
        foreach (var line in await System.IO.File.ReadAllLinesAsync(File("qrels.tsv"), cancellationToken))
        {
            var cells = line.Split('\t');
            if (cells.Length < 3 || !int.TryParse(cells[^1], out var grade)) continue; // blank or header line
            var (query, doc) = cells.Length == 4 ? (cells[0], cells[2]) : (cells[0], cells[1]); // TREC (q 0 d g) or BEIR (q d g)
            if (grade <= 0) continue;
            if (!qrels.TryGetValue(query, out var judged)) qrels[query] = judged = [];
            judged[doc] = grade;
        }

        var queries = new List<BeirQuery>();
        await foreach (var json in JsonLines(File("queries.jsonl"), cancellationToken))
        {
            var id = Id(json);
            if (qrels.ContainsKey(id)) queries.Add(new BeirQuery(id, Field(json, "text")));
        }
        var judgedQueries = queries.Select(q => q.Id).ToHashSet();
        var answers = new Dictionary<string, string>();
        if (System.IO.File.Exists(Path.Combine(folder, "answers.jsonl")))
        {
            await foreach (var json in JsonLines(Path.Combine(folder, "answers.jsonl"), cancellationToken))
            {
                var id = json.TryGetProperty("query_id", out var q) ? q.GetString() : null;
                if (id is not null && judgedQueries.Contains(id) && Field(json, "answer") is { Length: > 0 } answer) answers[id] = answer;
            }
        }
        return new BeirDataset(
            Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))),
            corpus,
            queries,
            qrels.Where(q => judgedQueries.Contains(q.Key)).ToDictionary(q => q.Key, q => (IReadOnlyDictionary<string, int>)q.Value))
        {
            Answers = answers,
        };
    }

    private static async IAsyncEnumerable<JsonElement> JsonLines(string path, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var number = 0;
        await foreach (var line in System.IO.File.ReadLinesAsync(path, cancellationToken))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonElement json;
            try
            {
                json = JsonDocument.Parse(line).RootElement;
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"{Path.GetFileName(path)} line {number} is not a JSON object: {ex.Message}", ex);
            }
            yield return json;
        }
    }

    private static string Id(JsonElement json) =>
        json.TryGetProperty("_id", out var id) || json.TryGetProperty("id", out id)
            ? id.ValueKind == JsonValueKind.String ? id.GetString()! : id.GetRawText()
            : throw new InvalidDataException("A line has no \"_id\" or \"id\".");

    private static string Field(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
}
