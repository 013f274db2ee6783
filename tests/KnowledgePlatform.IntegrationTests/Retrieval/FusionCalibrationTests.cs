using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.IntegrationTests.Support;
using KnowledgePlatform.Server.Calibration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Retrieval;

/// <summary>
/// A knowledge base's own fusion: the vertical default until it is calibrated, then the weight fitted on pseudo-questions
/// cut from its content, shown in GET /knowledge-bases/{kb} with what it was fitted on; a curator's weight overrides it.
/// The evidence gate is fitted on searches made with that weight.
/// </summary>
public abstract class FusionCalibrationTests(TestPlatform platform) : PlatformTest(platform)
{
    public sealed class OnSqlite(SqlitePlatform platform) : FusionCalibrationTests(platform), IClassFixture<SqlitePlatform>;

    public sealed class OnPostgres(PostgresPlatform platform) : FusionCalibrationTests(platform), IClassFixture<PostgresPlatform>;

    protected override string KnowledgeBase => "handbook";

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Calibration:Enabled"] = "false" };

    private static readonly string[] Rooms = ["library", "gym", "canteen", "garage", "clinic", "lab", "studio", "archive", "lounge", "workshop", "nursery", "chapel"];

    private static readonly string[] MoreRooms = ["sauna", "pool", "garden", "kitchen", "office", "attic", "cellar", "gallery", "theatre", "museum", "greenhouse", "stable",
        "observatory", "laundry", "pantry", "boathouse", "cinema", "ballroom"];

    private static string RoomSections(string room, int i) =>
        $"## When does the {room} open?\n\nThe {room} opens at {7 + i % 3} in the morning and closes at {17 + i % 4} on weekdays; at weekends ask the {room} desk.\n\n" +
        $"## How do I book the {room}?\n\nBook the {room} through the intranet form {100 + i}; bookings for groups over {5 + i} people need a manager's approval.\n\n";

    /// <summary>The handbook as one document, or as one document per room.</summary>
    private async Task IngestHandbookAsync(string kb = "handbook", bool perRoom = false)
    {
        if (perRoom)
        {
            foreach (var (room, i) in Rooms.Concat(MoreRooms).Select((r, i) => (r, i)))
                await PlatformHost.IngestAsync(Admin, kb, $"{room}.md", $"# The {room}\n\n" + RoomSections(room, i) +
                    $"## Who looks after the {room}?\n\nThe {room} is run by the {Rooms[(i + 5) % Rooms.Length]} team; report faults on extension {2000 + 37 * i}.\n\n", Ct);
            return;
        }
        var handbook = new StringBuilder("# Facilities handbook\n\n");
        foreach (var (room, i) in Rooms.Select((r, i) => (r, i))) handbook.Append(RoomSections(room, i));
        await PlatformHost.IngestAsync(Admin, kb, "handbook.md", handbook.ToString(), Ct);
    }

    /// <summary>Calibrates the knowledge base as the background scheduler does; returns the evidence gate stored with it.</summary>
    private async Task<EvidenceGateCalibration> CalibrateAsync(string name = "handbook")
    {
        await using var scope = Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        var kb = await db.KnowledgeBases.AsNoTracking().SingleAsync(k => k.TenantId == Tenant.Id && k.Name == name, Ct);
        return (await scope.ServiceProvider.GetRequiredService<KnowledgeBaseCalibrator>().CalibrateAsync(kb, Ct))!;
    }

    private async Task<JsonElement> FusionAsync(string kb = "handbook") =>
        (await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/knowledge-bases/{kb}", Ct)).GetProperty("fusion");

    /// <summary>GET …/retrieval: the weight the knowledge base sets, and the one its searches use.</summary>
    private async Task<(JsonElement Set, JsonElement Effective)> RetrievalWeightsAsync(string kb = "handbook")
    {
        var settings = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/knowledge-bases/{kb}/retrieval", Ct);
        return (settings.GetProperty("set").GetProperty("denseWeight"), settings.GetProperty("effective").GetProperty("denseWeight"));
    }

    [Fact]
    public async Task A_calibrated_knowledge_base_searches_with_its_own_weight_until_a_curator_sets_one()
    {
        var before = await FusionAsync();
        Assert.Equal("default", before.GetProperty("source").GetString());
        Assert.Equal(before.GetProperty("denseWeight").GetDouble(), (await RetrievalWeightsAsync()).Effective.GetDouble(), 6);

        await IngestHandbookAsync();
        await CalibrateAsync();

        var calibrated = await FusionAsync();
        Assert.Equal("pseudo-questions", calibrated.GetProperty("source").GetString());
        Assert.True(calibrated.GetProperty("questions").GetInt32() >= 20);
        Assert.InRange(calibrated.GetProperty("denseWeight").GetDouble(), 0.1, 0.9);
        Assert.InRange(calibrated.GetProperty("ndcg10").GetProperty("fused").GetDouble(), 0.0, 1.0);
        Assert.NotEqual(JsonValueKind.Null, calibrated.GetProperty("fittedAt").ValueKind);
        // The retrieval settings say so too: nothing set, the calibrated weight in effect.
        var (set, effective) = await RetrievalWeightsAsync();
        Assert.Equal(JsonValueKind.Null, set.ValueKind);
        Assert.Equal(calibrated.GetProperty("denseWeight").GetDouble(), effective.GetDouble(), 6);

        (await Admin.PutAsJsonAsync("/api/v1/knowledge-bases/handbook/retrieval", new { fusion = "convex", denseWeight = 0.95 }, Ct)).EnsureSuccessStatusCode();
        var curated = await FusionAsync();
        Assert.Equal("curator", curated.GetProperty("source").GetString());
        Assert.Equal(0.95, curated.GetProperty("denseWeight").GetDouble(), 3);
        Assert.Equal(0.95, (await RetrievalWeightsAsync()).Effective.GetDouble(), 3);
    }

    [Fact]
    public async Task The_evidence_gate_is_fitted_on_the_fusion_searches_run_with_so_calibrating_again_changes_nothing()
    {
        // Customer service starts from a dense weight of 0.6, which this handbook's own fit moves.
        (await Admin.PostAsJsonAsync("/api/v1/knowledge-bases", new { name = "desk", vertical = "customer_service" }, Ct)).EnsureSuccessStatusCode();
        var start = (await FusionAsync("desk")).GetProperty("denseWeight").GetDouble();
        Assert.Equal(start, (await RetrievalWeightsAsync("desk")).Effective.GetDouble(), 6);
        await IngestHandbookAsync("desk", perRoom: true);
        var first = await CalibrateAsync("desk");
        var weight = (await FusionAsync("desk")).GetProperty("denseWeight").GetDouble();
        Assert.NotEqual(start, weight, 3);
        Assert.Equal(weight, (await RetrievalWeightsAsync("desk")).Effective.GetDouble(), 6);

        var second = await CalibrateAsync("desk");
        Assert.Equal(weight, (await FusionAsync("desk")).GetProperty("denseWeight").GetDouble(), 6);
        Assert.Equal(first.Threshold, second.Threshold, 9);
        Assert.Equal(first.Bias, second.Bias, 9);
        Assert.Equal(first.Auc, second.Auc);
    }
}
