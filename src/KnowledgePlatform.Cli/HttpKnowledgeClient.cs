using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using KnowledgePlatform.Rag.Answering;

namespace KnowledgePlatform.Cli;

/// <summary>Talks to a running server's REST API (/api/v1).</summary>
public sealed class HttpKnowledgeClient(string server, string key) : IKnowledgeClient
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) } };

    private readonly HttpClient _http = new() { BaseAddress = new Uri(server.TrimEnd('/') + "/"), DefaultRequestHeaders = { { "X-Api-Key", key } }, Timeout = TimeSpan.FromMinutes(10) };

    public async Task<IReadOnlyList<IngestOutcome>> IngestAsync(string knowledgeBase, IReadOnlyList<string> files, IProgress<IngestProgress> progress, CancellationToken cancellationToken)
    {
        var outcomes = new List<IngestOutcome>();
        var pending = new Dictionary<string, string>();
        await EnsureKnowledgeBaseAsync(knowledgeBase, cancellationToken);
        foreach (var file in files)
        {
            using var form = new MultipartFormDataContent();
            await using var stream = File.OpenRead(file);
            form.Add(new StreamContent(stream) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } }, "file", Path.GetFileName(file));
            using var response = await _http.PostAsync($"api/v1/knowledge-bases/{Uri.EscapeDataString(knowledgeBase)}/documents", form, cancellationToken);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(Json, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                if (response.StatusCode == System.Net.HttpStatusCode.NotFound || (int)response.StatusCode == 401) throw new CliException(Detail(body));
                outcomes.Add(new IngestOutcome(file, "refused", 0, Detail(body)));
                progress.Report(new IngestProgress(file, "refused", null, 100));
                continue;
            }
            pending[body.GetProperty("statusUrl").GetString()!] = file;
        }
        while (pending.Count > 0)
        {
            foreach (var (url, file) in pending.ToList())
            {
                var d = await _http.GetFromJsonAsync<JsonElement>(url.TrimStart('/'), Json, cancellationToken);
                var status = d.GetProperty("status").GetString()!.ToLowerInvariant();
                var done = status is "ready" or "failed";
                progress.Report(new IngestProgress(file, status, d.GetProperty("step").GetString(), done ? 100 : d.GetProperty("progressPercent").GetInt32()));
                if (!done) continue;
                outcomes.Add(new IngestOutcome(file, status, d.GetProperty("chunkCount").GetInt32(), d.GetProperty("error").GetString()));
                pending.Remove(url);
            }
            if (pending.Count > 0) await Task.Delay(300, cancellationToken);
        }
        return outcomes;
    }

    /// <summary>Like the embedded mode: ingesting into a knowledge base that does not exist creates it.</summary>
    private async Task EnsureKnowledgeBaseAsync(string knowledgeBase, CancellationToken cancellationToken)
    {
        using var found = await _http.GetAsync($"api/v1/knowledge-bases/{Uri.EscapeDataString(knowledgeBase)}", cancellationToken);
        if (found.StatusCode != System.Net.HttpStatusCode.NotFound)
        {
            await Read(found, cancellationToken);
            return;
        }
        using var created = await _http.PostAsJsonAsync("api/v1/knowledge-bases", new { name = knowledgeBase }, Json, cancellationToken);
        await Read(created, cancellationToken);
    }

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(string knowledgeBase, string query, int top, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync($"api/v1/knowledge-bases/{Uri.EscapeDataString(knowledgeBase)}/search", new { query, top }, Json, cancellationToken);
        var body = await Read(response, cancellationToken);
        return body.GetProperty("hits").EnumerateArray().Select(h => new SearchHit(
            h.GetProperty("title").GetString()!, h.GetProperty("fileName").GetString()!, h.GetProperty("location").GetString()!,
            h.GetProperty("score").GetDouble(), h.GetProperty("text").GetString()!)).ToList();
    }

    public async IAsyncEnumerable<AnswerEvent> AskAsync(string knowledgeBase, string question, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/knowledge-bases/{Uri.EscapeDataString(knowledgeBase)}/ask")
        {
            Content = JsonContent.Create(new { question, stream = true }, options: Json),
        };
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode) await Read(response, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken))
        {
            var data = JsonDocument.Parse(item.Data).RootElement;
            switch (item.EventType)
            {
                case "delta": yield return new AnswerDelta(data.GetProperty("text").GetString()!); break;
                case "citations": yield return new AnswerCitations(data.GetProperty("citations").Deserialize<List<Citation>>(Json)!); break;
                case "done": yield return new AnswerCompleted(data.GetProperty("status").Deserialize<AnswerStatus>(Json), data.GetProperty("model").GetString()!); break;
                case "error": throw new CliException(data.GetProperty("detail").GetString()!);
            }
        }
    }

    private static async Task<JsonElement> Read(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Json, cancellationToken);
        return response.IsSuccessStatusCode ? body : throw new CliException(Detail(body));
    }

    private static string Detail(JsonElement problem) =>
        problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("detail", out var d) ? d.GetString() ?? "" : problem.ToString();

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}
