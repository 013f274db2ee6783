using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.CdsHooks;

/// <summary>
/// An EHR's view of the CDS Hooks services on the demo medical knowledge base: discovery, the specification's own example
/// calls answered in the card format, a renal warning where the knowledge base has the row and no card where it has
/// nothing, FHIR data read from the EHR's server when not prefetched, feedback and the audit trail.
/// </summary>
[Collection(CdsHooksCollection.Name)]
public sealed class CdsHooksCardTests(CdsHooksHost cds)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private async Task<JsonNode> CallAsync(string service, JsonObject body)
    {
        using var ehr = cds.Host.Client(CdsHooksHost.Key);
        using var response = await ehr.PostAsJsonAsync($"/cds-services/{service}", body, _ct);
        var text = await response.Content.ReadAsStringAsync(_ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        var json = JsonNode.Parse(text)!;
        cds.AssertConforms(json);
        return json;
    }

    private static List<JsonNode> Cards(JsonNode response) => response["cards"]!.AsArray().Select(c => c!).ToList();

    [Fact]
    public async Task Discovery_lists_each_enabled_service_with_its_hook_and_prefetch_templates()
    {
        using var ehr = cds.Host.Client(CdsHooksHost.Key);
        var discovery = await ehr.GetFromJsonAsync<JsonNode>("/cds-services", _ct);
        var services = discovery!["services"]!.AsArray().ToDictionary(s => s!["id"]!.GetValue<string>());
        Assert.Equal(["medical-order-select", "medical-order-sign", "medical-patient-view"], services.Keys.Order());
        var orderSelect = services["medical-order-select"]!;
        Assert.Equal("order-select", orderSelect["hook"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(orderSelect["description"]!.GetValue<string>()));
        Assert.Contains("{{context.patientId}}", orderSelect["prefetch"]!["egfr"]!.GetValue<string>());
        Assert.Equal("Condition?patient={{context.patientId}}&clinical-status=active", services["medical-patient-view"]!["prefetch"]!["conditions"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_specifications_example_calls_get_responses_in_the_card_format()
    {
        var patientView = await CallAsync("medical-patient-view", CdsHooksHost.Request("patient-view.json", "patient-view"));
        Assert.Empty(Cards(patientView)); // no conditions in the example, and its FHIR server is out of reach: nothing to say

        using var api = cds.Host.Client(CdsHooksHost.Key);
        foreach (var hook in new[] { "order-select", "order-sign" })
        {
            var body = CdsHooksHost.Request($"{hook}.json", hook);
            var response = await CallAsync($"medical-{hook}", body);
            // The example orders amoxicillin / clavulanate (co-amoxiclav), which the sample knowledge base has no row for: the
            // drafted MedicationRequest is read and asked about, the pureed diet is no medication, and no card guesses.
            Assert.Empty(Cards(response));
            var invocations = await api.GetFromJsonAsync<JsonElement>("/api/v1/cds-hooks/invocations", _ct);
            var call = Assert.Single(invocations.EnumerateArray(), i => i.GetProperty("hookInstance").GetString() == body["hookInstance"]!.GetValue<string>());
            Assert.Contains("not covered: What is the dose of Amoxicillin / clavulanate potassium?", call.GetProperty("notes").GetString());
        }
        cds.AssertConforms(JsonNode.Parse(File.ReadAllText(CdsHooksHost.Fixture("example-response.json")))!); // the schema accepts the specification's own response
    }

    [Fact]
    public async Task An_egfr_below_30_gives_a_warning_card_citing_the_renal_adjustment_row_and_an_uncovered_drug_no_card()
    {
        var response = await CallAsync("medical-order-select", CdsHooksHost.Request("order-select-ibuprofen-egfr-25.json", "order-select"));
        var renal = Assert.Single(Cards(response), c => c["summary"]!.GetValue<string>().Contains("eGFR 25", StringComparison.Ordinal));
        Assert.Equal("warning", renal["indicator"]!.GetValue<string>());
        Assert.Contains("Avoid if eGFR below 30", renal["summary"]!.GetValue<string>());
        Assert.Contains("Avoid if eGFR below 30", renal["detail"]!.GetValue<string>());
        Assert.StartsWith("drug-dosing", renal["source"]!["label"]!.GetValue<string>());
        Assert.Contains("/portal/documents/", renal["source"]!["url"]!.GetValue<string>());
        Assert.True(Guid.TryParse(renal["uuid"]!.GetValue<string>(), out _));

        var uncovered = await CallAsync("medical-order-select", CdsHooksHost.Request("order-select-isotretinoin-egfr-25.json", "order-select"));
        Assert.Empty(Cards(uncovered));
    }

    [Fact]
    public async Task Without_prefetch_the_egfr_is_read_from_the_ehrs_fhir_server_with_its_token_and_without_either_from_the_context_alone()
    {
        await using var fhir = new FhirStub();
        await fhir.StartAsync();
        var body = CdsHooksHost.Request("order-select-ibuprofen-egfr-25.json", "order-select");
        body.Remove("prefetch");
        var contextOnly = await CallAsync("medical-order-select", (JsonObject)body.DeepClone());
        Assert.DoesNotContain(Cards(contextOnly), c => c["indicator"]!.GetValue<string>() != "info");

        body["hookInstance"] = Guid.NewGuid().ToString();
        body["fhirServer"] = fhir.BaseUrl;
        body["fhirAuthorization"] = new JsonObject { ["access_token"] = "ehr-issued-token", ["token_type"] = "Bearer", ["expires_in"] = 300, ["scope"] = "user/Observation.read", ["subject"] = "kp" };
        var fetched = await CallAsync("medical-order-select", body);
        Assert.Contains(Cards(fetched), c => c["indicator"]!.GetValue<string>() == "warning" && c["summary"]!.GetValue<string>().Contains("eGFR 25", StringComparison.Ordinal));
        var observationRead = Assert.Single(fhir.Requests, r => r.Path.StartsWith("/fhir/Observation", StringComparison.Ordinal));
        Assert.Equal("Bearer ehr-issued-token", observationRead.Authorization);
        Assert.Contains("patient=ckd-1", observationRead.Path);
    }

    [Fact]
    public async Task Feedback_on_a_card_is_shown_with_the_other_feedback_and_each_card_is_audited_with_its_hook_instance()
    {
        var body = CdsHooksHost.Request("order-select-ibuprofen-egfr-25.json", "order-select");
        var hookInstance = Guid.NewGuid().ToString();
        body["hookInstance"] = hookInstance;
        var card = Cards(await CallAsync("medical-order-select", body))[0];
        using var ehr = cds.Host.Client(CdsHooksHost.Key);
        var feedback = new { feedback = new[] { new { card = card["uuid"]!.GetValue<string>(), outcome = "overridden", overrideReason = new { userComment = "Patient already on a lower dose" }, outcomeTimestamp = DateTimeOffset.UtcNow } } };
        (await ehr.PostAsJsonAsync("/cds-services/medical-order-select/feedback", feedback, _ct)).EnsureSuccessStatusCode();

        var listed = await ehr.GetFromJsonAsync<JsonElement>("/api/v1/feedback", _ct);
        Assert.Contains(listed.EnumerateArray(), f => f.GetProperty("channel").GetString() == "cds-hooks"
            && f.GetProperty("rating").GetString() == "down" && f.GetProperty("comment").GetString()!.Contains("Patient already on a lower dose", StringComparison.Ordinal));

        await using var scope = cds.Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        var audited = await db.AuditRecords.AsNoTracking().Where(a => a.Action == "cds.card").ToListAsync(_ct);
        var record = Assert.Single(audited, a => a.Detail!.Contains(hookInstance, StringComparison.Ordinal) && a.Detail.Contains("renal adjustment", StringComparison.Ordinal));
        using var detail = JsonDocument.Parse(record.Detail!);
        Assert.False(string.IsNullOrEmpty(detail.RootElement.GetProperty("model").GetString()));
        Assert.NotEmpty(detail.RootElement.GetProperty("cited").EnumerateArray());
        Assert.False(string.IsNullOrEmpty(detail.RootElement.GetProperty("context").GetProperty("knowledgeBaseVersion").GetString()));

        var invocations = await ehr.GetFromJsonAsync<JsonElement>("/api/v1/cds-hooks/invocations", _ct);
        Assert.Contains(invocations.EnumerateArray(), i => i.GetProperty("hookInstance").GetString() == hookInstance && i.GetProperty("cardCount").GetInt32() >= 2);
    }
}
