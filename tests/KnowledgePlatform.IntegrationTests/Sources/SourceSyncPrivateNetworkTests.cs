using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Sources;

/// <summary>By default a web source reads public sites only: a curator cannot make the server fetch loopback or intranet addresses.</summary>
public sealed class SourceSyncPrivateNetworkTests(SqlitePlatform platform) : PlatformTest(platform), IClassFixture<SqlitePlatform>
{
    private LoopbackSite _site = null!;

    protected override string KnowledgeBase => "help";

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Sources:PollInterval"] = "00:00:00.200" };

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _site = await LoopbackSite.StartAsync();
        _site.Set("/admin/secrets", LoopbackSite.Html("Secrets", "Internal only."));
    }

    public override async ValueTask DisposeAsync()
    {
        await _site.DisposeAsync();
        await base.DisposeAsync();
    }

    [Theory]
    [InlineData("http://127.0.0.1:{port}/admin/secrets")]
    [InlineData("http://localhost:{port}/admin/secrets")]
    [InlineData("http://[::1]:{port}/admin/secrets")]
    public async Task A_web_source_on_a_loopback_address_is_refused_when_added_and_says_how_to_allow_it(string startUrl)
    {
        using var response = await Admin.PostAsJsonAsync("/api/v1/knowledge-bases/help/sources", new
        {
            name = "intranet", kind = "web", syncNow = true, web = new { startUrl = startUrl.Replace("{port}", new Uri(_site.Origin).Port.ToString(), StringComparison.Ordinal) },
        }, PlatformHost.Json, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("invalid_web_source", problem.GetProperty("code").GetString());
        Assert.Contains("Sources:AllowPrivateNetworks", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty((await Admin.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/help/sources", PlatformHost.Json, Ct)).EnumerateArray());
        Assert.Empty(_site.Requests);
    }

    [Fact]
    public async Task A_source_kept_from_when_private_networks_were_allowed_fails_its_sync_without_a_request()
    {
        // Added while the server allowed private networks; the administrator has turned that off since.
        await using (var scope = Host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
            var knowledgeBase = await db.KnowledgeBases.SingleAsync(k => k.TenantId == Tenant.Id && k.Name == "help", Ct);
            db.Sources.Add(new Source
            {
                Id = "src_intranet", TenantId = Tenant.Id, KnowledgeBaseId = knowledgeBase.Id, Name = "intranet", Kind = SourceKind.Web,
                Web = new WebSourceSettings { StartUrl = _site.Url("/admin/secrets"), PathPrefix = "/admin/" },
            });
            await db.SaveChangesAsync(Ct);
        }
        var sources = new SourceClient(Admin, "help");

        var run = (await sources.WaitAsync((await sources.SyncAsync("src_intranet", Ct)).GetProperty("id").GetString()!, Ct)).GetProperty("run");

        Assert.Equal("failed", run.GetProperty("status").GetString());
        Assert.StartsWith("127.0.0.1 is a loopback", run.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("Sources:AllowPrivateNetworks", run.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty(_site.Requests);
        Assert.Empty(await sources.DocumentsAsync(Ct));
    }
}
