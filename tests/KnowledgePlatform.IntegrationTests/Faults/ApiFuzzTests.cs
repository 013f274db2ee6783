// Over 300 lines: the fuzzer generates cases from the OpenAPI document, sends them and judges every answer in one pass; its generators and its verdicts share the operation model.
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.Extensions.Logging;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Faults;

/// <summary>
/// Random and mutated requests against every public endpoint, read from the server's own OpenAPI document
/// (so endpoints added later are fuzzed too) plus the routes outside it (health, metrics, OpenAPI, SignalR):
/// malformed JSON, wrong types, huge fields, unicode edge cases, path tricks, bad headers and keys. A fixed
/// seed makes every failure reproducible. No answer may be a 5xx, the server may log no unhandled exception,
/// and its managed memory must stay bounded.
/// </summary>
[Collection(ResourceMeasurements.Name)]
public sealed class ApiFuzzTests() : PlatformTest(TestPlatform.Owned(TestDatabase.Sqlite()))
{
    private const int Seed = 20261130;

    /// <summary>Cases per run; KP_FUZZ_CASES raises it for a longer local run.</summary>
    private static readonly int Cases = int.TryParse(Environment.GetEnvironmentVariable("KP_FUZZ_CASES"), out var n) && n > 0 ? n : 2000;

    private static readonly string[] NastyStrings =
    [
        "", " ", "\u0000", "\t\r\n", "𝕏🙂👩‍👩‍👧", "\u202Egnp.exe", "Ω≈ç√∫", "' OR 1=1 --", "<script>alert(1)</script>",
        "../../../../etc/passwd", "..\\..\\windows\\win.ini", "%00", "${jndi:ldap://x/a}", "\r\n\r\nHTTP/1.1 200 OK", "\uFEFF",
        "null", "NaN", "-1", "1e309", "ﷺ", "\u200B\u200B", "a\u0301\u0301\u0301", new string('x', 5000), "{\"$type\":\"System.IO.FileInfo\"}",
        "kb_0000000000000000", "doc_00000000", "9223372036854775808", "true", "[]", "2024-02-30", "*", "?", "#", "%",
    ];

    private static readonly string[] NastySegments =
    [
        "..", "%2e%2e", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "%2F", "%00", "con", "a%20b", "%F0%9F%99%82", "%E0%A4%A", "%25", "~", "*", "'",
        "%C0%AE%C0%AE", "..%5c..%5c", new string('k', 3000), "%u002e", "😀", "null", "0", "-1", "kb_", "%0d%0aX-Injected:%201", ";", "@",
    ];

    private readonly LogCapture _logs = new();
    private HttpClient _http = null!;
    private string _key = "";
    private string _otherKey = "";
    private readonly Dictionary<string, string[]> _validValues = new(StringComparer.OrdinalIgnoreCase);

    // The test has a server of its own: it reads every failure the server logged.
    protected override ILoggerProvider Logs => _logs;

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Security:RateLimits:KeyRequestsPerMinute"] = "100000000",
        ["Security:RateLimits:TenantRequestsPerMinute"] = "100000000",
        ["Ingestion:MaxUploadBytes"] = (64 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _key = Tenant.Key;
        _otherKey = (await NewTenantAsync("globex", "secrets")).Key;
        _http = Client();
        _http.Timeout = TimeSpan.FromSeconds(60);

        // Real ids to put in paths now and then, so the fuzz also reaches past the 404s.
        var client = Admin;
        using var upload = await PlatformHost.UploadAsync(client, "support", "returns.md", "# Returns\n\nYou can return a product within 30 days of delivery.", Ct);
        var document = await upload.Content.ReadFromJsonAsync<JsonElement>(Ct);
        await PlatformHost.WaitForIngestionAsync(client, document.GetProperty("statusUrl").GetString()!, Ct);
        using var ask = await client.PostAsJsonAsync("/api/v1/knowledge-bases/support/ask", new { question = "How long do I have to return a product?" }, Ct);
        var answer = await ask.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var kb = await client.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/support", Ct);
        _validValues["kb"] = ["support", kb.GetProperty("id").GetString()!];
        _validValues["id"] = [document.GetProperty("id").GetString()!];
        _validValues["conversationId"] = [answer.GetProperty("conversationId").GetString() ?? "none"];
    }

    private sealed record Operation(string Method, string Path, JsonElement? JsonSchema, bool Multipart, IReadOnlyList<string> QueryParameters);

    private sealed record Case(Operation Operation, string Mutation, HttpRequestMessage Request);

    [Fact]
    public async Task Random_and_mutated_requests_to_every_endpoint_never_get_a_5xx_nor_leave_an_unhandled_exception()
    {
        var openApi = await _http.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Ct);
        var operations = Operations(openApi);
        Assert.True(operations.Count >= 15, $"only {operations.Count} operations in the OpenAPI document");
        var random = new Random(Seed);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
        var clock = Stopwatch.StartNew();
        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        var tried = 0;
        for (var i = 0; i < Cases; i++)
        {
            var operation = operations[random.Next(operations.Count)];
            var @case = Build(operation, random, openApi);
            using var request = @case.Request;
            int status;
            try
            {
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
                status = (int)response.StatusCode;
                var body = await response.Content.ReadAsStringAsync(Ct);
                if (status == 200 && response.Content.Headers.ContentType?.MediaType == "text/event-stream" && body.Contains("event: error", StringComparison.Ordinal))
                    failures.Add($"#{i} {operation.Method} {request.RequestUri!.PathAndQuery} [{@case.Mutation}] -> SSE error event");
            }
            catch (HttpRequestException ex) when (ex.InnerException is not IOException)
            {
                continue; // the client itself refused to send it (an invalid header value): nothing reached the server
            }
            tried++;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            if (status >= 500)
                failures.Add($"#{i} {operation.Method} {Shorten(request.RequestUri!.PathAndQuery)} [{@case.Mutation}] -> {status}");
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var growth = GC.GetTotalMemory(forceFullCollection: true) - memoryBefore;
        var summary = $"API fuzz (seed {Seed}): {tried} cases sent ({Cases} generated) to {operations.Count} operations in {clock.Elapsed.TotalSeconds:0.0} s; "
            + $"statuses {string.Join(", ", statuses.Select(s => $"{s.Key}x{s.Value}"))}; managed heap {growth / 1048576.0:+0.0;-0.0} MB";
        TestSummary.Report(summary);

        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n{string.Join('\n', failures.Take(30))}");
        var unhandled = _logs.Failures;
        Assert.True(unhandled.Count == 0, "Server log:\n" + string.Join("\n", unhandled.Take(10).Select(e => $"{e.Level} {e.Category}: {e.Message} {e.Exception}")));
        Assert.True(tried >= Cases * 9 / 10, $"only {tried} of {Cases} cases could be sent");
        Assert.True(growth < 256L * 1024 * 1024, $"the managed heap grew by {growth / 1048576} MB");
    }

    /// <summary>Every operation of the OpenAPI document, plus the routes the document does not list.</summary>
    private static List<Operation> Operations(JsonElement openApi)
    {
        var operations = new List<Operation>
        {
            new("GET", "/health/live", null, false, []),
            new("GET", "/health/ready", null, false, []),
            new("GET", "/metrics", null, false, []),
            new("GET", "/openapi/v1.json", null, false, []),
            new("POST", "/hubs/ingestion/negotiate", null, false, ["negotiateVersion"]),
            new("GET", "/hubs/ingestion", null, false, ["id"]),
        };
        foreach (var path in openApi.GetProperty("paths").EnumerateObject())
        {
            foreach (var op in path.Value.EnumerateObject())
            {
                if (op.Name is not ("get" or "post" or "put" or "patch" or "delete")) continue;
                JsonElement? schema = null;
                var multipart = false;
                if (op.Value.TryGetProperty("requestBody", out var body) && body.TryGetProperty("content", out var content))
                {
                    if (content.TryGetProperty("application/json", out var json) && json.TryGetProperty("schema", out var s)) schema = s;
                    multipart = content.TryGetProperty("multipart/form-data", out _);
                }
                var query = op.Value.TryGetProperty("parameters", out var parameters)
                    ? parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()!).ToList()
                    : [];
                operations.Add(new Operation(op.Name.ToUpperInvariant(), path.Name, schema, multipart, query));
            }
        }
        return operations;
    }

    private Case Build(Operation operation, Random random, JsonElement openApi)
    {
        var mutations = new List<string>();
        var path = FillPath(operation, random, mutations);
        if (operation.QueryParameters.Count > 0 || random.Next(10) == 0)
        {
            var names = operation.QueryParameters.Count > 0 && random.Next(3) > 0 ? operation.QueryParameters : ["x", "limit", "$filter"];
            path += "?" + string.Join('&', names.Where(_ => random.Next(3) > 0).Select(name =>
                $"{Uri.EscapeDataString(name)}={Uri.EscapeDataString(random.Next(2) == 0 ? random.Next(-5, 200).ToString(System.Globalization.CultureInfo.InvariantCulture) : Pick(random, NastyStrings))}"));
            mutations.Add("query");
        }

        var request = new HttpRequestMessage(new HttpMethod(operation.Method), path);
        if (operation.Multipart) request.Content = Upload(random, mutations);
        else if (operation.JsonSchema is { } schema) request.Content = JsonBody(schema, random, openApi, mutations);
        else if (random.Next(8) == 0)
        {
            request.Content = new StringContent(Pick(random, NastyStrings), Encoding.UTF8, "application/json");
            mutations.Add("unexpected body");
        }

        Authenticate(request, random, mutations);
        return new Case(operation, string.Join(", ", mutations), request);
    }

    private string FillPath(Operation operation, Random random, List<string> mutations)
    {
        var path = operation.Path;
        while (path.IndexOf('{') is var start and >= 0)
        {
            var end = path.IndexOf('}', start);
            var name = path[(start + 1)..end];
            // Deleting the real knowledge base or document would leave the rest of the run with nothing but 404s.
            var useValid = operation.Method != "DELETE" && _validValues.TryGetValue(name, out var valid) && random.Next(3) > 0;
            string value;
            if (useValid)
            {
                value = Uri.EscapeDataString(Pick(random, _validValues[name]));
            }
            else
            {
                value = random.Next(2) == 0 ? Pick(random, NastySegments) : Uri.EscapeDataString(Pick(random, NastyStrings));
                if (value.Length == 0) value = "%20";
                mutations.Add($"path {name}");
            }
            path = path[..start] + value + path[(end + 1)..];
        }
        return path;
    }

    private void Authenticate(HttpRequestMessage request, Random random, List<string> mutations)
    {
        switch (random.Next(14))
        {
            case 0: mutations.Add("no key"); break;
            case 1: request.Headers.TryAddWithoutValidation("X-Api-Key", "kp_not_a_real_key_" + random.Next()); mutations.Add("wrong key"); break;
            case 2: request.Headers.TryAddWithoutValidation("X-Api-Key", _otherKey); mutations.Add("other tenant"); break;
            case 3: request.Headers.TryAddWithoutValidation("Authorization", Pick(random, ["Bearer", "Bearer  ", "Basic Zm9vOmJhcg==", $"Bearer {_key} extra", "Bearer " + new string('a', 9000)])); mutations.Add("odd authorization"); break;
            case 4: request.Headers.TryAddWithoutValidation("X-Api-Key", [_key, _otherKey]); mutations.Add("two keys"); break;
            case 5:
                request.Headers.TryAddWithoutValidation("X-Api-Key", _key);
                request.Headers.TryAddWithoutValidation("X-Fuzz", new string('h', random.Next(2) == 0 ? 6000 : 40000));
                mutations.Add("huge header");
                break;
            case 6:
                request.Headers.TryAddWithoutValidation("X-Api-Key", _key);
                request.Headers.TryAddWithoutValidation("Origin", Pick(random, ["null", "http://evil.example", "https://" + new string('o', 300) + ".example", "file://"]));
                request.Headers.TryAddWithoutValidation("Accept", Pick(random, ["text/event-stream", "application/xml", "*/*;q=abc", ""]));
                mutations.Add("origin/accept");
                break;
            case 7:
                // A key asking to pass for another channel (only portal sign-ins may test channels).
                request.Headers.TryAddWithoutValidation("X-Api-Key", _key);
                request.Headers.TryAddWithoutValidation("X-KP-Test-Channel", Pick(random, ["widget", "api", "portal", "", "WIDGET", new string('c', 500)]));
                mutations.Add("test channel");
                break;
            default: request.Headers.TryAddWithoutValidation("X-Api-Key", _key); break;
        }
    }

    private static HttpContent Upload(Random random, List<string> mutations)
    {
        var form = new MultipartFormDataContent();
        var name = random.Next(3) switch
        {
            0 => "note-" + random.Next(1000) + Pick(random, [".md", ".txt", ".csv", ".jsonl", ".html"]),
            1 => Pick(random, ["../../escape.md", "..\\..\\x.md", "con.md", "a\u0000b.md", "🙂.md", ".md", "x.pdf", "x.docx", "x.xlsx", new string('n', 400) + ".md", "no-extension"]),
            _ => Pick(random, NastyStrings) + ".md",
        };
        byte[] content = random.Next(4) switch
        {
            0 => [],
            1 => Encoding.UTF8.GetBytes("# Fuzz\n\n" + Pick(random, NastyStrings)),
            2 => RandomBytes(random, random.Next(1, 4096)),
            _ => Encoding.UTF8.GetBytes("# Note\n\nAbout returns and refunds, fuzz " + random.Next()),
        };
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        if (random.Next(6) == 0)
        {
            form.Add(new StringContent("not a file"), "note");
            mutations.Add("upload without file");
        }
        else
        {
            var field = random.Next(8) == 0 ? "attachment" : "file";
            try
            {
                form.Add(file, field, name);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                // HttpClient will not quote this name itself: write the header as a careless client would.
                file.Headers.TryAddWithoutValidation("Content-Disposition", $"form-data; name=\"{field}\"; filename=\"{name}\"");
                form.Add(file);
            }
            mutations.Add("upload");
        }
        return form;
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>A body from the operation's schema, mutated one of several ways.</summary>
    private static HttpContent JsonBody(JsonElement schema, Random random, JsonElement openApi, List<string> mutations)
    {
        var valid = Generate(schema, random, openApi, 0);
        var text = valid?.ToJsonString() ?? "null";
        switch (random.Next(12))
        {
            case 0:
                mutations.Add("valid body");
                break;
            case 1:
                text = text.Length > 1 ? text[..random.Next(1, text.Length)] : "{";
                mutations.Add("truncated json");
                break;
            case 2:
                text = Pick(random, ["", "null", "[]", "\"text\"", "123", "{", "}", "{\"a\":}", "{'single':'quotes'}", "{\"a\":1,}", "\u0000", "{\"q\":\"\\ud800\"}", "{\"q\":\"\\u00\"}", "\uFEFF{}"]);
                mutations.Add("malformed json");
                break;
            case 3:
                text = new string('[', 2000) + new string(']', 2000);
                mutations.Add("deep nesting");
                break;
            case 4 or 5 or 6 when valid is JsonObject obj && obj.Count > 0:
                var key = obj.Select(p => p.Key).ElementAt(random.Next(obj.Count));
                obj[key] = random.Next(6) switch
                {
                    0 => JsonValue.Create(random.Next(2) == 0 ? 1e308 : -2147483649L),
                    1 => new JsonArray(JsonValue.Create(Pick(random, NastyStrings)), JsonValue.Create(7)),
                    2 => new JsonObject { ["nested"] = new JsonObject { ["x"] = 1 } },
                    3 => JsonValue.Create(random.Next(2) == 0),
                    4 => null,
                    _ => JsonValue.Create(new string('z', random.Next(2) == 0 ? 10_000 : 50_000)),
                };
                text = obj.ToJsonString();
                mutations.Add($"wrong type or huge {key}");
                break;
            case 7 when valid is JsonObject obj:
                foreach (var property in obj.Where(p => p.Value is JsonValue v && v.GetValueKind() == JsonValueKind.String).Select(p => p.Key).ToList())
                    obj[property] = Pick(random, NastyStrings);
                text = obj.ToJsonString();
                mutations.Add("unicode and injection strings");
                break;
            case 8 when valid is JsonObject obj:
                obj["unknownField"] = "x";
                obj["$type"] = "System.Object";
                text = obj.ToJsonString().TrimEnd('}') + (obj.Count > 0 ? "," : "") + "\"unknownField\":2}";
                mutations.Add("unknown and duplicate fields");
                break;
            case 9:
                return new StringContent(text, Encoding.UTF8, Pick(random, ["text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data"]))
                    .Also(() => mutations.Add("wrong content type"));
            case 10:
                var bytes = Encoding.UTF8.GetBytes(text);
                var content = new ByteArrayContent([.. bytes, 0xC3, 0x28, 0xFF]);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = Pick(random, ["utf-8", "ebcdic", "utf-16"]) };
                mutations.Add("invalid utf-8 / charset");
                return content;
            default:
                mutations.Add("valid body");
                break;
        }
        return new StringContent(text, Encoding.UTF8, "application/json");
    }

    /// <summary>A plausible value for an OpenAPI 3.x schema (refs, enums, nullable type lists, nested objects).</summary>
    private static JsonNode? Generate(JsonElement schema, Random random, JsonElement openApi, int depth)
    {
        if (depth > 6) return null;
        if (schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!.Split('/')[^1];
            return openApi.GetProperty("components").GetProperty("schemas").TryGetProperty(name, out var target) ? Generate(target, random, openApi, depth + 1) : null;
        }
        foreach (var combinator in new[] { "oneOf", "anyOf", "allOf" })
        {
            if (schema.TryGetProperty(combinator, out var options))
            {
                var choices = options.EnumerateArray().Where(o => !(o.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "null")).ToList();
                return choices.Count == 0 ? null : Generate(choices[random.Next(choices.Count)], random, openApi, depth + 1);
            }
        }
        if (schema.TryGetProperty("enum", out var values))
        {
            var all = values.EnumerateArray().ToList();
            return all.Count == 0 ? null : JsonNode.Parse(all[random.Next(all.Count)].GetRawText());
        }
        var type = schema.TryGetProperty("type", out var t) ? t.ValueKind == JsonValueKind.Array
            ? t.EnumerateArray().Select(x => x.GetString()).FirstOrDefault(x => x != "null")
            : t.GetString() : schema.TryGetProperty("properties", out _) ? "object" : null;
        var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
        switch (type)
        {
            case "string":
                return JsonValue.Create(format switch
                {
                    "date" => "2024-05-01",
                    "date-time" => "2024-05-01T10:00:00Z",
                    _ => Pick(random, ["return policy", "How many days do I have to return a product?", "support", "fuzz", "general", "read"]),
                });
            case "integer":
                return JsonValue.Create(random.Next(1, 10));
            case "number":
                return JsonValue.Create(Math.Round(random.NextDouble(), 2));
            case "boolean":
                return JsonValue.Create(random.Next(2) == 0);
            case "array":
                var array = new JsonArray();
                if (schema.TryGetProperty("items", out var items))
                    for (var i = random.Next(0, 3); i > 0; i--) array.Add(Generate(items, random, openApi, depth + 1));
                return array;
            case "object":
                var obj = new JsonObject();
                if (schema.TryGetProperty("properties", out var properties))
                {
                    var required = schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(x => x.GetString()).ToHashSet() : [];
                    foreach (var property in properties.EnumerateObject())
                        if (required.Contains(property.Name) || random.Next(3) > 0) obj[property.Name] = Generate(property.Value, random, openApi, depth + 1);
                }
                return obj;
            default:
                return null;
        }
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static string Shorten(string text) => text.Length <= 160 ? text : text[..160] + "…";
}

internal static class FuzzExtensions
{
    public static T Also<T>(this T value, Action action)
    {
        action();
        return value;
    }
}
