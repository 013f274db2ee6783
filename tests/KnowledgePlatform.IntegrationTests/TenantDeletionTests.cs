using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>
/// A platform admin deletes one of two filled tenants: nothing of it remains in any table that has a TenantId,
/// in the chunk index or under the data folder, and the other tenant is untouched and still answers.
/// </summary>
public abstract class TenantDeletionTests(TestPlatform platform) : PlatformTest(platform)
{
    public sealed class OnSqlite(SqlitePlatform platform) : TenantDeletionTests(platform), IClassFixture<SqlitePlatform>;

    public sealed class OnPostgres(PostgresPlatform platform) : TenantDeletionTests(platform), IClassFixture<PostgresPlatform>;

    private const string PlatformKey = "kp_platform_admin_key_for_tenant_deletion_0123456789";
    private readonly Dictionary<string, Filled> _tenants = [];

    private sealed record Filled(string Id, HttpClient Client, string Key, string KnowledgeBaseId, string ConversationId, string UserId, string Word);

    protected override string? TenantName => null;

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Platform:AdminKey"] = PlatformKey };

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        foreach (var (tenant, word) in new[] { ("doomed", "QUARTZ"), ("kept", "BASALT") })
            _tenants[tenant] = await FillAsync(tenant, word);
    }

    private async Task<Filled> FillAsync(string name, string word)
    {
        var tenant = await NewTenantAsync(name, "handbook");
        var key = tenant.Key;
        var client = Client(key);
        await PlatformHost.IngestAsync(client, "handbook", "rules.md", $"# Rules\n\nThe {word} rule says returns are accepted within 30 days.", Ct);
        await PlatformHost.IngestAsync(client, "handbook", "hours.md", $"# Hours\n\nThe {word} desk opens at nine.", Ct);
        var kb = (await client.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/handbook", Ct)).GetProperty("id").GetString()!;
        using (var created = await client.PostAsJsonAsync("/api/v1/api-keys", new { name = "second key" }, Ct)) created.EnsureSuccessStatusCode();
        string conversation;
        using (var asked = await client.PostAsJsonAsync("/api/v1/knowledge-bases/handbook/ask", new { question = $"What does the {word} rule say about returns?" }, Ct))
            conversation = (await asked.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("conversationId").GetString()!;
        using (var feedback = await client.PostAsJsonAsync("/api/v1/feedback", new { rating = "down", conversationId = conversation, comment = "too short" }, Ct))
            feedback.EnsureSuccessStatusCode();
        string user;
        using (var created = await client.PostAsJsonAsync("/api/v1/users", new { email = $"curator@{tenant.Id}.example", password = "correct-horse-battery", role = "curator" }, Ct))
            user = (await created.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
        return new Filled(tenant.Id, client, key, kb, conversation, user, word);
    }

    [Fact]
    public async Task Deleting_a_tenant_leaves_nothing_of_it_in_any_store_and_the_other_tenant_untouched()
    {
        var doomed = _tenants["doomed"];
        var kept = _tenants["kept"];
        var before = await RowsPerTableAsync(doomed.Id);
        var keptBefore = await RowsPerTableAsync(kept.Id);
        // The test only proves something when the doomed tenant really had rows in the stores that matter.
        foreach (var table in new[] { "Documents", "Chunks", "ApiKeys", "AspNetUsers", "Conversations", "AuditRecords", "KnowledgeBases", "Feedback" })
            Assert.True(before.GetValueOrDefault(table) > 0, $"The doomed tenant has no rows in {table}: {string.Join(", ", before.Select(p => $"{p.Key}={p.Value}"))}");
        Assert.True(await IndexCountAsync(doomed.Id, doomed.KnowledgeBaseId) > 0);
        Assert.NotEmpty(FilesOf(doomed));

        using var platform = Host.Client(PlatformKey);
        using (var deleted = await platform.DeleteAsync($"/api/v1/platform/tenants/{doomed.Id}", Ct))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        var after = await RowsPerTableAsync(doomed.Id);
        Assert.All(after, p => Assert.True(p.Value == 0, $"{p.Value} row(s) of the deleted tenant remain in {p.Key}"));
        Assert.Equal(0, await DependentRowsAsync(doomed));
        Assert.Equal(0, await IndexCountAsync(doomed.Id, doomed.KnowledgeBaseId));
        Assert.Empty(await KeywordHitsAsync(doomed.Id, doomed.KnowledgeBaseId, doomed.Word));
        Assert.Empty(FilesOf(doomed));
        using (var gone = await doomed.Client.GetAsync("/api/v1/knowledge-bases", Ct))
            Assert.Equal(HttpStatusCode.Unauthorized, gone.StatusCode);
        using (var again = await platform.DeleteAsync($"/api/v1/platform/tenants/{doomed.Id}", Ct))
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);

        // The other tenant: every row still there, its index and files intact, and it still answers.
        var keptAfter = await RowsPerTableAsync(kept.Id);
        foreach (var (table, count) in keptBefore.Where(p => p.Key != "AuditRecords"))
            Assert.True(keptAfter[table] == count, $"{table}: {count} rows of the other tenant before, {keptAfter[table]} after");
        Assert.True(await IndexCountAsync(kept.Id, kept.KnowledgeBaseId) > 0);
        Assert.NotEmpty(await KeywordHitsAsync(kept.Id, kept.KnowledgeBaseId, kept.Word));
        Assert.NotEmpty(FilesOf(kept));
        using var answer = await kept.Client.PostAsJsonAsync("/api/v1/knowledge-bases/handbook/ask", new { question = $"What does the {kept.Word} rule say about returns?" }, Ct);
        var answered = await answer.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(answered.GetProperty("grounded").GetBoolean());

        // The deletion is in the platform tenant's audit log.
        var audit = await platform.GetFromJsonAsync<JsonElement>("/api/v1/audit?action=tenant.delete", Ct);
        Assert.Equal(doomed.Id, audit[0].GetProperty("subject").GetString());
    }

    /// <summary>Rows of the tenant in every table of the EF model that has a TenantId: a table added later is counted too.</summary>
    private async Task<Dictionary<string, long>> RowsPerTableAsync(string tenant)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        var sql = db.GetService<ISqlGenerationHelper>();
        var counts = new Dictionary<string, long>();
        foreach (var type in db.Model.GetEntityTypes().Where(t => t.FindProperty("TenantId") is not null && t.GetTableName() is not null))
        {
            var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
            var column = type.FindProperty("TenantId")!.GetColumnName(table)!;
            var query = $"SELECT COUNT(*) AS {sql.DelimitIdentifier("Value")} FROM {sql.DelimitIdentifier(table.Name, table.Schema)} WHERE {sql.DelimitIdentifier(column)} = {{0}}";
            var count = await db.Database.SqlQueryRaw<long>(query, tenant).SingleAsync(Ct);
            counts[table.Name] = count;
        }
        Assert.True(counts.Count >= 20, $"Only {counts.Count} tables with a TenantId were found");
        return counts;
    }

    /// <summary>Rows without a TenantId of their own that belonged to the tenant's conversations and users.</summary>
    private async Task<int> DependentRowsAsync(Filled tenant)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        return await db.ConversationTurns.CountAsync(t => t.ConversationId == tenant.ConversationId, Ct)
            + await db.UserRoles.CountAsync(r => r.UserId == tenant.UserId, Ct)
            + await db.UserClaims.CountAsync(c => c.UserId == tenant.UserId, Ct);
    }

    private Task<long> IndexCountAsync(string tenant, string kb) =>
        Host.Services.GetRequiredService<IChunkIndex>().CountAsync(new ChunkFilter(tenant, [kb]), Ct);

    private Task<IReadOnlyList<ChunkHit>> KeywordHitsAsync(string tenant, string kb, string word) =>
        Host.Services.GetRequiredService<IChunkIndex>().SearchKeywordAsync(new ChunkFilter(tenant, [kb]), word, 10, Ct);

    /// <summary>Every file under the data folder of the tenant: its stored originals and its knowledge base's vector file.</summary>
    private List<string> FilesOf(Filled tenant) =>
        [.. Directory.EnumerateFiles(DataPath, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetRelativePath(DataPath, f).Split(Path.DirectorySeparatorChar).Any(part => part == tenant.KnowledgeBaseId || part.StartsWith(tenant.KnowledgeBaseId + ".", StringComparison.Ordinal))
                || Path.GetRelativePath(DataPath, f).StartsWith(Path.Combine("files", FileKeys.Tenant(tenant.Id)) + Path.DirectorySeparatorChar, StringComparison.Ordinal))];
}
