using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
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
/// </summary>
public abstract class FusionCalibrationTests(TestPlatform platform) : PlatformTest(platform)
{
    public sealed class OnSqlite(SqlitePlatform platform) : FusionCalibrationTests(platform), IClassFixture<SqlitePlatform>;

    public sealed class OnPostgres(PostgresPlatform platform) : FusionCalibrationTests(platform), IClassFixture<PostgresPlatform>;

    protected override string KnowledgeBase => "handbook";

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Calibration:Enabled"] = "false" };

    private async Task<JsonElement> FusionAsync() =>
        (await Admin.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/handbook", Ct)).GetProperty("fusion");

    [Fact]
    public async Task A_calibrated_knowledge_base_searches_with_its_own_weight_until_a_curator_sets_one()
    {
        var before = await FusionAsync();
        Assert.Equal("default", before.GetProperty("source").GetString());

        var handbook = new StringBuilder("# Facilities handbook\n\n");
        foreach (var (room, i) in new[] { "library", "gym", "canteen", "garage", "clinic", "lab", "studio", "archive", "lounge", "workshop", "nursery", "chapel" }.Select((r, i) => (r, i)))
            handbook.Append($"## When does the {room} open?\n\nThe {room} opens at {7 + i % 3} in the morning and closes at {17 + i % 4} on weekdays; at weekends ask the {room} desk.\n\n" +
                            $"## How do I book the {room}?\n\nBook the {room} through the intranet form {100 + i}; bookings for groups over {5 + i} people need a manager's approval.\n\n");
        await PlatformHost.IngestAsync(Admin, "handbook", "handbook.md", handbook.ToString(), Ct);

        await using (var scope = Host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
            var kb = await db.KnowledgeBases.AsNoTracking().SingleAsync(k => k.TenantId == Tenant.Id, Ct);
            await scope.ServiceProvider.GetRequiredService<KnowledgeBaseCalibrator>().CalibrateAsync(kb, Ct);
        }

        var calibrated = await FusionAsync();
        Assert.Equal("pseudo-questions", calibrated.GetProperty("source").GetString());
        Assert.True(calibrated.GetProperty("questions").GetInt32() >= 20);
        Assert.InRange(calibrated.GetProperty("denseWeight").GetDouble(), 0.1, 0.9);
        Assert.InRange(calibrated.GetProperty("ndcg10").GetProperty("fused").GetDouble(), 0.0, 1.0);
        Assert.NotEqual(JsonValueKind.Null, calibrated.GetProperty("fittedAt").ValueKind);

        (await Admin.PutAsJsonAsync("/api/v1/knowledge-bases/handbook/retrieval", new { fusion = "convex", denseWeight = 0.95 }, Ct)).EnsureSuccessStatusCode();
        var curated = await FusionAsync();
        Assert.Equal("curator", curated.GetProperty("source").GetString());
        Assert.Equal(0.95, curated.GetProperty("denseWeight").GetDouble(), 3);
    }
}
