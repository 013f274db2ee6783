using System.Net;
using System.Text;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Ingestion.Extraction;
using KnowledgePlatform.Ingestion.Intake;
using KnowledgePlatform.Ingestion.Sources;
using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Sources;

/// <summary>
/// Removing a source while one of its syncs is still reading: the sync may hold an item it read before the removal
/// and submit it afterwards. That item must not come back as a document of the removed source.
/// </summary>
public abstract class SourceRemovalTests(TestPlatform platform) : PlatformTest(platform)
{
    public sealed class OnSqlite(SqlitePlatform platform) : SourceRemovalTests(platform), IClassFixture<SqlitePlatform>;

    public sealed class OnPostgres(PostgresPlatform platform) : SourceRemovalTests(platform), IClassFixture<PostgresPlatform>;

    protected override string KnowledgeBase => "help";

    protected override IReadOnlyDictionary<string, string> Settings { get; } = SourceClient.Settings();

    [Fact]
    public async Task An_item_a_sync_submits_after_its_source_was_removed_leaves_no_document_and_no_file()
    {
        var sources = new SourceClient(Admin, "help");
        const string page = "http://127.0.0.1:9/help/index";
        var sourceId = (await sources.CreateWebAsync(page, TimeSpan.Zero, Ct, syncNow: false)).GetProperty("id").GetString()!;

        using (var removed = await sources.Http.DeleteAsync($"/api/v1/sources/{sourceId}?deleteDocuments=true", Ct))
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);

        // What a sync that read the page before the removal does after it: submit it through the intake.
        await using var scope = Host.Services.CreateAsyncScope();
        var knowledgeBase = await scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>().KnowledgeBases.AsNoTracking()
            .SingleAsync(k => k.TenantId == Tenant.Id && k.Name == "help", Ct);
        var item = new SourceDocument(SourceDocuments.Id(sourceId, page), sourceId, page, FileFormat.Html, []);
        using var content = new MemoryStream(Encoding.UTF8.GetBytes("<html><body><p>The Aura Mini battery base charges in 80 minutes.</p></body></html>"));
        var refused = await Assert.ThrowsAsync<IntakeException>(() => scope.ServiceProvider.GetRequiredService<DocumentIntake>().SubmitItemAsync(knowledgeBase, item, content, Ct));

        Assert.Equal(IntakeProblem.SourceRemoved, refused.Problem);
        Assert.Empty(await sources.DocumentsAsync(Ct));
        var files = scope.ServiceProvider.GetRequiredService<IFileStore>();
        var stored = new Document
        {
            Id = item.DocumentId, TenantId = Tenant.Id, KnowledgeBaseId = knowledgeBase.Id, FileName = item.Name, Format = "Html", SizeBytes = 0, ContentHash = "", StorageKey = "",
        };
        await Assert.ThrowsAnyAsync<IOException>(() => files.OpenReadAsync(FileKeys.Version(stored, 1), Ct));
    }
}
