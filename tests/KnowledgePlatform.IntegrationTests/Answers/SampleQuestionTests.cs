using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.Bench.Samples;
using KnowledgePlatform.IntegrationTests.Channels;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Answers;

/// <summary>
/// The demo knowledge bases, built from samples/ as a new user gets them and calibrated from their own content, with no
/// generative model: every question as samples/questions.md writes it is answered and says its first key fact, and every question
/// listed there as one the knowledge bases cannot answer gets "not found".
/// </summary>
/// <remarks>The test has a server of its own: the demo's tenants and keys are fixed.</remarks>
public sealed class SampleQuestionTests() : PlatformTest(TestPlatform.Owned(TestDatabase.Sqlite()))
{
    private static readonly Dictionary<string, string> Keys = new() { ["medical"] = "kp_demo_clinic_key", ["customer-service"] = "kp_demo_support_key" };

    protected override string? TenantName => null;

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Demo:Enabled"] = "true",
        ["Demo:SamplesPath"] = SampleFiles.Folder,
        ["Calibration:Enabled"] = "false",
        ["Security:RateLimits:KeyRequestsPerMinute"] = "100000",
    };

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        using var http = Host.Client();
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while ((await http.GetAsync("/health/ready", Ct)).StatusCode != System.Net.HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < deadline, "The demo knowledge bases were not ready within 3 minutes.");
            await Task.Delay(500, Ct);
        }
        // Calibrated as the background scheduler would once ingestion is quiet, here at once.
        foreach (var (kb, key) in Keys)
        {
            // A calibration of a demo knowledge base takes about 17 s on a quiet 2-core machine (Release), and ran past
            // HttpClient's 100 s default once on a busy one: that default is not this request's limit.
            using var api = Host.Client(key);
            api.Timeout = TimeSpan.FromMinutes(5);
            using var calibrated = await api.PostAsync($"/api/v1/knowledge-bases/{kb}/evidence-gate/calibrate", null, Ct);
            calibrated.EnsureSuccessStatusCode();
            Assert.Equal("pseudo-questions", (await calibrated.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("source").GetString());
        }
    }

    [Fact]
    public async Task Every_sample_question_is_answered_with_its_first_key_fact_and_every_unanswerable_one_is_not_found()
    {
        // The questions as written and those the knowledge bases cannot answer; other wordings are kp-bench samples' to measure.
        var questions = SampleQuestions.Read(SampleFiles.Folder).Where(q => q.Wording is SampleWording.Written or SampleWording.Unanswerable).ToList();
        Assert.Equal(21, questions.Count(q => q.MustSay is not null));
        Assert.True(questions.Count(q => q.MustSay is null) >= 10);
        var problems = new List<string>();
        foreach (var (kb, question, mustSay, _, _) in questions)
        {
            using var api = Host.Client(Keys[kb]);
            using var response = await api.PostAsJsonAsync($"/api/v1/knowledge-bases/{kb}/ask", new { question }, Ct);
            response.EnsureSuccessStatusCode();
            var answer = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            var status = answer.GetProperty("status").GetString();
            var text = answer.GetProperty("answer").GetString()!;
            if (mustSay is null && status != "insufficient_evidence")
                problems.Add($"{kb}: \"{question}\" should be not found, got {status}: {text}");
            if (mustSay is not null && (status != "answered" || !text.Contains(mustSay, StringComparison.OrdinalIgnoreCase)))
                problems.Add($"{kb}: \"{question}\" should say \"{mustSay}\", got {status}: {text}");
        }
        Assert.True(problems.Count == 0, $"{problems.Count} of {questions.Count} sample questions:\n" + string.Join("\n", problems));
    }
}
