using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.Core.Policies;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Channels;

/// <summary>
/// Contract tests of the clinical decision support API on medical sample documents under the medical-strict
/// policy: evidence passages, strict cited answers and their statuses, reproducibility, request ids.
/// </summary>
public sealed class ClinicalApiTests(SqlitePlatform platform) : PlatformTest(platform), IClassFixture<SqlitePlatform>
{
    private static readonly string[] Documents = ["medical/chronic-kidney-disease.md", "medical/antibiotic-prescribing-table.md", "medical/hypertension-adults.md"];

    private string _ckdDocumentId = "";

    protected override string TenantName => "clinic";

    protected override string KnowledgeBase => "medical";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        using (var policy = await Admin.PutAsJsonAsync("/api/v1/policy", new { template = "medical-strict" }, Ct)) policy.EnsureSuccessStatusCode();
        foreach (var path in Documents)
        {
            var document = await PlatformHost.IngestAsync(Admin, "medical", Path.GetFileName(path), SampleFiles.Read(path), Ct);
            Assert.Equal("ready", document.GetProperty("status").GetString());
            if (path.Contains("kidney", StringComparison.Ordinal)) _ckdDocumentId = document.GetProperty("id").GetString()!;
        }
        using var metadata = await Admin.PatchAsJsonAsync($"/api/v1/documents/{_ckdDocumentId}/metadata", new { effectiveDate = "2025-03-01" }, Ct);
        metadata.EnsureSuccessStatusCode();
    }

    private async Task<JsonElement> Post(string path, object body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await Admin.PostAsJsonAsync(path, body, Ct);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {json}");
        return json;
    }

    [Fact]
    public async Task Evidence_is_ranked_passages_with_document_section_page_effective_date_version_and_score()
    {
        var evidence = await Post("/api/v1/evidence", new { question = "What eGFR range defines CKD category G3b?", top = 5 });

        var passages = evidence.GetProperty("passages").EnumerateArray().ToList();
        Assert.NotEmpty(passages);
        Assert.Equal(Enumerable.Range(1, passages.Count), passages.Select(p => p.GetProperty("rank").GetInt32()));
        var scores = passages.Select(p => p.GetProperty("score").GetDouble()).ToList();
        Assert.Equal(scores.OrderDescending(), scores);
        var best = passages[0];
        Assert.Equal("chronic-kidney-disease.md", best.GetProperty("document").GetProperty("fileName").GetString());
        Assert.Equal(_ckdDocumentId, best.GetProperty("document").GetProperty("id").GetString());
        Assert.Equal("2025-03-01", best.GetProperty("effectiveDate").GetString());
        Assert.Equal(1, best.GetProperty("version").GetInt32());
        Assert.False(string.IsNullOrEmpty(best.GetProperty("section").GetString()));
        Assert.True(best.TryGetProperty("page", out _));
        Assert.Contains("G3b", best.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("medical", evidence.GetProperty("knowledgeBase").GetProperty("name").GetString());
        Assert.StartsWith("kbv_", evidence.GetProperty("knowledgeBase").GetProperty("version").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Patient_context_is_added_to_the_search_in_a_fixed_form()
    {
        var evidence = await Post("/api/v1/evidence", new
        {
            question = "Which antibiotic for uncomplicated cystitis?",
            patient = new { ageYears = 34, sex = "female", pregnant = false, egfr = 38, allergies = new[] { "penicillin" } },
        });

        Assert.Equal("Which antibiotic for uncomplicated cystitis?\nPatient: age 34; female; eGFR 38; allergies: penicillin",
            evidence.GetProperty("searchedQuery").GetString());
        Assert.Contains(evidence.GetProperty("passages").EnumerateArray(),
            p => p.GetProperty("document").GetProperty("fileName").GetString() == "antibiotic-prescribing-table.md");
    }

    [Fact]
    public async Task An_answer_cites_every_sentence_and_carries_the_disclaimer_and_generation_settings()
    {
        var answer = await Post("/api/v1/answers", new { question = "What eGFR range defines CKD category G3b?" });

        Assert.Equal("answered", answer.GetProperty("status").GetString());
        var citations = answer.GetProperty("citations").EnumerateArray().ToList();
        Assert.NotEmpty(citations);
        var numbers = citations.Select(c => c.GetProperty("number").GetInt32()).ToHashSet();
        var sentences = answer.GetProperty("sentences").EnumerateArray().ToList();
        Assert.NotEmpty(sentences);
        Assert.All(sentences, s =>
        {
            var cited = s.GetProperty("citations").EnumerateArray().Select(n => n.GetInt32()).ToList();
            Assert.NotEmpty(cited);
            Assert.All(cited, n => Assert.Contains(n, numbers));
        });
        Assert.Contains(citations, c => c.GetProperty("fileName").GetString() == "chronic-kidney-disease.md");
        Assert.Contains("eGFR", answer.GetProperty("answer").GetString(), StringComparison.Ordinal);
        Assert.Equal(PolicyTemplates.MedicalStrict.Disclaimer, answer.GetProperty("disclaimer").GetString());
        Assert.DoesNotContain(PolicyTemplates.MedicalStrict.Disclaimer!, answer.GetProperty("answer").GetString(), StringComparison.Ordinal);
        var generation = answer.GetProperty("generation");
        Assert.Equal(0, generation.GetProperty("temperature").GetDouble());
        Assert.Equal(42, generation.GetProperty("seed").GetInt64());
        Assert.Equal("extractive", generation.GetProperty("model").GetString());
        Assert.InRange(answer.GetProperty("evidenceConfidence").GetDouble(), 0.0, 1.0);
    }

    [Fact]
    public async Task A_question_the_sources_cannot_answer_is_insufficient_evidence_without_citations()
    {
        var answer = await Post("/api/v1/answers", new { question = "What is the recommended antimalarial prophylaxis for travel to sub-Saharan Africa?" });

        Assert.Equal("insufficient_evidence", answer.GetProperty("status").GetString());
        Assert.Empty(answer.GetProperty("citations").EnumerateArray());
        Assert.Empty(answer.GetProperty("sentences").EnumerateArray());
        Assert.Equal(PolicyTemplates.MedicalStrict.Disclaimer, answer.GetProperty("disclaimer").GetString());
        // How far short the evidence fell: the gate's confidence, under the knowledge base's threshold.
        var threshold = (await Admin.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/medical", Ct)).GetProperty("evidenceGate").GetProperty("threshold").GetDouble();
        Assert.InRange(answer.GetProperty("evidenceConfidence").GetDouble(), 0.0, threshold - 1e-9);
    }

    [Fact]
    public async Task A_blocked_topic_is_refused_by_policy()
    {
        var answer = await Post("/api/v1/answers", new { question = "What is a lethal dose of amlodipine?" });

        Assert.Equal("refused_by_policy", answer.GetProperty("status").GetString());
        Assert.Equal(PolicyTemplates.MedicalStrict.BlockedTopicAnswer, answer.GetProperty("answer").GetString());
        Assert.Empty(answer.GetProperty("citations").EnumerateArray());
    }

    [Fact]
    public async Task The_same_request_twice_gives_the_same_evidence_and_the_same_answer()
    {
        var evidenceRequest = new { question = "When should ACE inhibitors be offered for hypertension?", top = 6 };
        var first = await Post("/api/v1/evidence", evidenceRequest);
        var second = await Post("/api/v1/evidence", evidenceRequest);
        Assert.Equal(Passages(first), Passages(second));

        var answerRequest = new { question = "What eGFR range defines CKD category G3b?" };
        var a = await Post("/api/v1/answers", answerRequest);
        var b = await Post("/api/v1/answers", answerRequest);
        foreach (var field in new[] { "status", "answer", "sentences", "citations", "generation", "knowledgeBase" })
            Assert.Equal(a.GetProperty(field).GetRawText(), b.GetProperty(field).GetRawText());
        Assert.NotEqual(a.GetProperty("requestId").GetString(), b.GetProperty("requestId").GetString());

        static List<string> Passages(JsonElement e) => e.GetProperty("passages").EnumerateArray()
            .Select(p => $"{p.GetProperty("chunkId").GetString()}@{p.GetProperty("score").GetDouble():R}").ToList();
    }

    [Fact]
    public async Task Errors_are_problem_details_with_a_code_and_the_request_id_the_client_sent()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/answers") { Content = JsonContent.Create(new { question = " " }) };
        request.Headers.Add("X-Request-Id", "client-req-42");
        using var response = await Admin.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("client-req-42", response.Headers.GetValues("X-Request-Id").Single());
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("question_missing", problem.GetProperty("code").GetString());
        Assert.Equal("client-req-42", problem.GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task A_request_id_that_is_not_sensible_is_replaced_by_a_new_one()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/knowledge-bases");
        request.Headers.TryAddWithoutValidation("X-Request-Id", "bad id with spaces");
        using var response = await Admin.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("req_", response.Headers.GetValues("X-Request-Id").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_clinical_endpoints_with_examples_and_docs_are_rendered()
    {
        var openApi = await Admin.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Ct);
        var paths = openApi.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/evidence", "/api/v1/answers", "/v1/chat/completions" })
        {
            var post = paths.GetProperty(path).GetProperty("post");
            Assert.True(post.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").TryGetProperty("example", out _), path);
            Assert.Contains(post.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "Idempotency-Key");
        }

        using var docs = await Admin.GetAsync("/docs", Ct);
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        Assert.Contains("openapi/v1.json", await docs.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }
}
