using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Sources;

/// <summary>Web and folder sources kept in sync on the real server, on both metadata providers (decision 0080).</summary>
public abstract class SourceSyncTests(TestPlatform platform) : PlatformTest(platform)
{
    public sealed class OnSqlite(SqlitePlatform platform) : SourceSyncTests(platform), IClassFixture<SqlitePlatform>;

    public sealed class OnPostgres(PostgresPlatform platform) : SourceSyncTests(platform), IClassFixture<PostgresPlatform>;

    private LoopbackSite _site = null!;
    private SourceClient _sources = null!;

    protected override string KnowledgeBase => "help";

    /// <summary>The folder sources may read: the test's own folder is under it.</summary>
    private string FolderRoot => Path.Combine(DataPath, "source-folders");

    /// <summary>This test's folder for folder sources.</summary>
    private string Folders => Path.Combine(FolderRoot, Tenant.Id);

    protected override IReadOnlyDictionary<string, string> Settings => SourceClient.Settings(FolderRoot);

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Directory.CreateDirectory(Folders);
        _sources = new SourceClient(Admin, "help");
        _site = await LoopbackSite.StartAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await _site.DisposeAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task A_web_source_keeps_exactly_the_in_scope_pages_at_their_latest_version()
    {
        var offHost = _site.Origin.Replace("127.0.0.1", "localhost", StringComparison.Ordinal);
        _site.RobotsTxt = "User-agent: *\nDisallow: /help/private/\n";
        _site.Set("/help/start", LoopbackSite.Html("Getting started", "Pair the Aura speaker by holding the action button for six seconds.",
            "/help/deep", "/help/private/other", "/blog/news", offHost + "/help/start", "#top"));
        _site.Set("/help/deep", LoopbackSite.Html("Deep page", "The Thermo display shows alert A7 when the filter needs cleaning."), validators: Validators.LastModified);
        _site.Set("/help/changing", LoopbackSite.Html("Returns", "Products can be returned within 30 days of delivery."));
        _site.Set("/help/vanishing", LoopbackSite.Html("Gift wrap", "Gift wrapping costs four dollars per parcel."));
        _site.Set("/help/no-validators", LoopbackSite.Html("Shipping", "Standard shipping takes five working days."), validators: Validators.None);
        _site.Set("/help/private/secret", LoopbackSite.Html("Secret", "Internal escalation codes."));
        _site.Set("/blog/news", LoopbackSite.Html("News", "Off-scope blog post."));
        string[] listed = ["/help/start", "/help/changing", "/help/vanishing", "/help/no-validators", "/help/private/secret"];
        _site.SetSitemap("/help/sitemap.xml", listed);

        var source = await _sources.CreateWebAsync(_site.Url("/help/sitemap.xml"), TimeSpan.FromSeconds(3), Ct, syncNow: false);
        var id = source.GetProperty("id").GetString()!;
        Assert.Equal("/help/", source.GetProperty("web").GetProperty("pathPrefix").GetString());

        var first = await _sources.SyncAndWaitAsync(id, Ct);
        string[] inScope = ["/help/start", "/help/deep", "/help/changing", "/help/vanishing", "/help/no-validators"];
        Assert.Equal(inScope.Select(_site.Url).Order(), (await _sources.DocumentsByNameAsync(Ct)).Keys.Order());
        Assert.All(SourceClient.Changes(first).Values, outcome => Assert.Equal("added", outcome));
        Assert.Equal(5, SourceClient.Count(first, "added"));

        // Between the syncs one page changes and one disappears (from the site and its sitemap).
        _site.Set("/help/changing", LoopbackSite.Html("Returns", "Products can now be returned within 60 days of delivery."));
        _site.Remove("/help/vanishing");
        _site.SetSitemap("/help/sitemap.xml", listed.Where(p => p != "/help/vanishing"));

        var second = await _sources.SyncAndWaitAsync(id, Ct);
        var documents = await _sources.DocumentsByNameAsync(Ct);
        Assert.Equal(2, documents[_site.Url("/help/changing")].GetProperty("version").GetInt32());
        Assert.Equal(2, documents[_site.Url("/help/changing")].GetProperty("indexedVersion").GetInt32());
        foreach (var unchanged in new[] { "/help/start", "/help/deep", "/help/no-validators" })
            Assert.Equal(1, documents[_site.Url(unchanged)].GetProperty("version").GetInt32());
        Assert.Equal(3, SourceClient.Count(second, "unchanged"));
        Assert.Equal("updated", SourceClient.Changes(second)[_site.Url("/help/changing")]);
        // Within the grace period the vanished page still answers questions; the history says why it is going.
        Assert.True(documents.ContainsKey(_site.Url("/help/vanishing")));
        Assert.Equal("gone", SourceClient.Changes(second)[_site.Url("/help/vanishing")]);
        var gone = await _sources.Http.GetFromJsonAsync<JsonElement>($"/api/v1/sync-runs/{second.GetProperty("run").GetProperty("id").GetString()}?outcome=gone", PlatformHost.Json, Ct);
        Assert.Equal([_site.Url("/help/vanishing")], SourceClient.Changes(gone).Keys);
        // Unchanged pages with validators cost a 304, not a download.
        Assert.Equal((2, 1), _site.Count("/help/start"));
        Assert.Equal((2, 1), _site.Count("/help/deep"));
        Assert.Contains(await _sources.SearchAsync("how many days to return a product", Ct), t => t.Contains("60 days", StringComparison.Ordinal));
        Assert.DoesNotContain(await _sources.SearchAsync("how many days to return a product", Ct), t => t.Contains("30 days", StringComparison.Ordinal));

        await Task.Delay(TimeSpan.FromSeconds(3), Ct);
        var third = await _sources.SyncAndWaitAsync(id, Ct);
        Assert.Equal("removed", SourceClient.Changes(third)[_site.Url("/help/vanishing")]);
        Assert.Equal(inScope.Where(p => p != "/help/vanishing").Select(_site.Url).Order(), (await _sources.DocumentsByNameAsync(Ct)).Keys.Order());
        Assert.DoesNotContain(await _sources.SearchAsync("gift wrapping cost per parcel", Ct), t => t.Contains("four dollars", StringComparison.Ordinal));

        // Disallowed and off-scope pages were never asked for; the off-scope host was never contacted.
        Assert.Equal((0, 0), _site.Count("/help/private/secret"));
        Assert.Equal((0, 0), _site.Count("/help/private/other"));
        Assert.Equal((0, 0), _site.Count("/blog/news"));
        Assert.DoesNotContain(_site.Requests, r => r.Host.StartsWith("localhost", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_folder_source_follows_added_changed_and_removed_files_and_an_unmounted_folder_removes_nothing()
    {
        var folder = Directory.CreateDirectory(Path.Combine(Folders, "guides")).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "filters.md"), "# Filters\n\nRinse the HEPA filter every 14 days.", Ct);
        Directory.CreateDirectory(Path.Combine(folder, "sub"));
        await File.WriteAllTextAsync(Path.Combine(folder, "sub", "battery.txt"), "The battery lasts 120 minutes in eco mode.", Ct);
        File.Copy(Path.Combine(SampleFolder(), "customer-service", "sweep-s2-support-training.pptx"), Path.Combine(folder, "training.pptx"));
        await File.WriteAllTextAsync(Path.Combine(folder, ".draft.md"), "# Hidden draft", Ct);
        await File.WriteAllBytesAsync(Path.Combine(folder, "photo.png"), [0x89, 0x50, 0x4E, 0x47], Ct);

        var source = await _sources.CreateAsync(new { name = "guides", kind = "folder", folder = new { path = folder, watch = true } }, Ct);
        var id = source.GetProperty("id").GetString()!;
        var first = await _sources.WaitAsync(source.GetProperty("lastRun").GetProperty("id").GetString()!, Ct);
        Assert.Equal("succeeded", first.GetProperty("run").GetProperty("status").GetString());
        Assert.Equal(["guides/filters.md", "guides/sub/battery.txt", "guides/training.pptx"], (await _sources.DocumentsByNameAsync(Ct)).Keys.Order());
        Assert.All(await _sources.DocumentsAsync(Ct), d => Assert.Equal("ready", d.GetProperty("status").GetString()));

        await File.WriteAllTextAsync(Path.Combine(folder, "filters.md"), "# Filters\n\nRinse the HEPA filter every 21 days.", Ct);
        File.Delete(Path.Combine(folder, "sub", "battery.txt"));
        await File.WriteAllTextAsync(Path.Combine(folder, "dock.md"), "# Dock\n\nThe dock LED blinks amber when the water tank is empty.", Ct);
        var second = await _sources.SyncAndWaitAsync(id, Ct);
        var changes = SourceClient.Changes(second);
        Assert.Equal(("updated", "removed", "added"), (changes["filters.md"], changes["sub/battery.txt"], changes["dock.md"]));
        Assert.Equal(1, SourceClient.Count(second, "unchanged"));
        var documents = await _sources.DocumentsByNameAsync(Ct);
        Assert.Equal(["guides/dock.md", "guides/filters.md", "guides/training.pptx"], documents.Keys.Order());
        Assert.Equal(2, documents["guides/filters.md"].GetProperty("version").GetInt32());

        // A change in the watched folder starts a sync on its own (earlier edits may have started one too: wait for this one's effect).
        var edited = DateTimeOffset.UtcNow;
        await File.WriteAllTextAsync(Path.Combine(folder, "dock.md"), "# Dock\n\nThe dock LED blinks red when the water tank is empty.", Ct);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await _sources.DocumentsByNameAsync(Ct))["guides/dock.md"] is var dock
               && (dock.GetProperty("version").GetInt32() < 2 || dock.GetProperty("status").GetString() != "ready"))
        {
            Assert.True(DateTime.UtcNow < deadline, "the change in the watched folder was not synced");
            await Task.Delay(200, Ct);
        }
        var watched = await WaitForRunAsync(id, r => r.GetProperty("trigger").GetString() == "change" && r.GetProperty("createdAt").GetDateTimeOffset() > edited, TimeSpan.FromSeconds(5));
        Assert.Equal("succeeded", (await _sources.WaitAsync(watched.GetProperty("id").GetString()!, Ct)).GetProperty("run").GetProperty("status").GetString());

        // An unmounted share: the sync fails, says why, and the documents stay.
        await _sources.Http.PostAsync($"/api/v1/sources/{id}/pause", null, Ct);
        Directory.Move(folder, folder + "-unmounted");
        await _sources.Http.PostAsync($"/api/v1/sources/{id}/resume", null, Ct);
        var failed = await _sources.WaitAsync((await WaitForRunAsync(id, r => r.GetProperty("status").GetString() is "failed", TimeSpan.FromSeconds(60))).GetProperty("id").GetString()!, Ct);
        Assert.Contains("does not exist or is not mounted", failed.GetProperty("run").GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, (await _sources.DocumentsAsync(Ct)).Count);
    }

    [Fact]
    public async Task The_page_limit_stops_discovery_and_pages_past_it_are_not_taken_for_vanished()
    {
        for (var i = 0; i < 8; i++) _site.Set($"/big/p{i}", LoopbackSite.Html($"Page {i}", $"Fact number {i}."));
        _site.SetSitemap("/big/sitemap.xml", Enumerable.Range(0, 8).Select(i => $"/big/p{i}"));
        var source = await _sources.CreateAsync(new { name = "big", kind = "web", removalGrace = "00:00:00", web = new { startUrl = _site.Url("/big/sitemap.xml"), maxPages = 5, requestInterval = "00:00:00" } }, Ct);
        var first = await _sources.WaitAsync(source.GetProperty("lastRun").GetProperty("id").GetString()!, Ct);
        Assert.True(first.GetProperty("run").GetProperty("limitReached").GetBoolean());
        Assert.Equal(5, (await _sources.DocumentsAsync(Ct)).Count);

        // The sitemap now lists the pages the other way round: p0 to p2 fall past the limit, yet they stay.
        _site.SetSitemap("/big/sitemap.xml", Enumerable.Range(0, 8).Reverse().Select(i => $"/big/p{i}"));
        var second = await _sources.SyncAndWaitAsync(source.GetProperty("id").GetString()!, Ct);
        Assert.Equal((3, 2, 0), (SourceClient.Count(second, "added"), SourceClient.Count(second, "unchanged"), SourceClient.Count(second, "removed")));
        Assert.Equal(8, (await _sources.DocumentsAsync(Ct)).Count);
    }

    [Fact]
    public async Task A_folder_outside_the_allowed_folders_and_a_bad_url_are_refused_with_the_reason()
    {
        using var outside = await _sources.Http.PostAsJsonAsync("/api/v1/knowledge-bases/help/sources", new { name = "etc", kind = "folder", folder = new { path = "/etc" } }, PlatformHost.Json, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, outside.StatusCode);
        Assert.Contains("not inside a folder this server lets sources read", (await outside.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var ftp = await _sources.Http.PostAsJsonAsync("/api/v1/knowledge-bases/help/sources", new { name = "ftp", kind = "web", web = new { startUrl = "ftp://example.com/" } }, PlatformHost.Json, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, ftp.StatusCode);
        Assert.Equal("invalid_web_source", (await ftp.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());

        using var tooOften = await _sources.Http.PostAsJsonAsync("/api/v1/knowledge-bases/help/sources",
            new { name = "fast", kind = "web", interval = "00:00:10", web = new { startUrl = _site.Url("/") } }, PlatformHost.Json, Ct);
        Assert.Equal("invalid_schedule", (await tooOften.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());

        // A start page that does not exist: the sync fails and says why.
        var missing = await _sources.CreateWebAsync(_site.Url("/nothing/here"), TimeSpan.Zero, Ct);
        var run = (await _sources.WaitAsync(missing.GetProperty("lastRun").GetProperty("id").GetString()!, Ct)).GetProperty("run");
        Assert.Equal("failed", run.GetProperty("status").GetString());
        Assert.Contains("/nothing/here: The site answered 404", run.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_source_can_be_paused_run_now_resumed_and_removed_with_or_without_its_documents()
    {
        for (var i = 0; i < 40; i++) _site.Set($"/kb/page-{i}", LoopbackSite.Html($"Page {i}", $"Error code E{i:D2} means the brush {i} is stuck."));
        _site.SetSitemap("/kb/sitemap.xml", Enumerable.Range(0, 40).Select(i => $"/kb/page-{i}"));
        var slow = await _sources.CreateWebAsync(_site.Url("/kb/sitemap.xml"), TimeSpan.Zero, Ct, requestInterval: "00:00:00.150");
        var slowId = slow.GetProperty("id").GetString()!;
        await WaitForRunAsync(slowId, r => r.GetProperty("processed").GetInt32() >= 3, TimeSpan.FromSeconds(60));

        using (var pause = await _sources.Http.PostAsync($"/api/v1/sources/{slowId}/pause", null, Ct)) pause.EnsureSuccessStatusCode();
        var cancelled = await _sources.WaitAsync(slow.GetProperty("lastRun").GetProperty("id").GetString()!, Ct);
        Assert.Equal("cancelled", cancelled.GetProperty("run").GetProperty("status").GetString());
        Assert.InRange(cancelled.GetProperty("run").GetProperty("processed").GetInt32(), 3, 39);
        using (var refused = await _sources.Http.PostAsync($"/api/v1/sources/{slowId}/sync", null, Ct))
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);

        using (var resume = await _sources.Http.PostAsync($"/api/v1/sources/{slowId}/resume", null, Ct)) resume.EnsureSuccessStatusCode();
        await _sources.Http.PatchAsJsonAsync($"/api/v1/sources/{slowId}", new { web = new { requestInterval = "00:00:00" } }, PlatformHost.Json, Ct);
        var completed = await _sources.SyncAndWaitAsync(slowId, Ct);
        Assert.Equal(40, (await _sources.DocumentsAsync(Ct)).Count);
        Assert.Equal(40, SourceClient.Count(completed, "added") + SourceClient.Count(completed, "unchanged"));

        // Removed without its documents: they stay, as ordinary documents.
        _site.Set("/other/one", LoopbackSite.Html("One", "The Vision 55 remote pairs by holding home and back."));
        var other = await _sources.CreateWebAsync(_site.Url("/other/one"), TimeSpan.Zero, Ct);
        await _sources.WaitAsync(other.GetProperty("lastRun").GetProperty("id").GetString()!, Ct);
        using (var keep = await _sources.Http.DeleteAsync($"/api/v1/sources/{other.GetProperty("id").GetString()}?deleteDocuments=false", Ct))
            Assert.Equal(HttpStatusCode.NoContent, keep.StatusCode);
        var kept = Assert.Single(await _sources.DocumentsAsync(Ct), d => d.GetProperty("fileName").GetString() == _site.Url("/other/one"));
        Assert.Equal(JsonValueKind.Null, kept.GetProperty("sourceId").ValueKind);

        // Removed with its documents: they leave the knowledge base and its index.
        using (var drop = await _sources.Http.DeleteAsync($"/api/v1/sources/{slowId}?deleteDocuments=true", Ct))
            Assert.Equal(HttpStatusCode.NoContent, drop.StatusCode);
        Assert.Single(await _sources.DocumentsAsync(Ct));
        Assert.DoesNotContain(await _sources.SearchAsync("error code E17 brush stuck", Ct), t => t.Contains("E17", StringComparison.Ordinal));
        using var gone = await _sources.Http.GetAsync($"/api/v1/sources/{slowId}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task The_schedule_queues_a_sync_when_it_is_due_and_another_tenant_cannot_see_or_touch_the_source()
    {
        _site.Set("/docs/a", LoopbackSite.Html("A", "Alpha."));
        var source = await _sources.CreateAsync(new { name = "nightly", kind = "web", interval = "06:00:00", syncNow = false, web = new { startUrl = _site.Url("/docs/a") } }, Ct);
        var id = source.GetProperty("id").GetString()!;

        await using (var scope = Host.Services.CreateAsyncScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<ISourceStore>();
            // The schedule covers the class's whole server: this is its only test that gives a source an interval.
            Assert.Equal(0, await store.QueueDueAsync(DateTimeOffset.UtcNow, Ct));
            Assert.Equal(1, await store.QueueDueAsync(DateTimeOffset.UtcNow.AddHours(7), Ct));
            Assert.Equal(0, await store.QueueDueAsync(DateTimeOffset.UtcNow.AddHours(7), Ct));
        }
        var runs = await _sources.Http.GetFromJsonAsync<JsonElement>($"/api/v1/sources/{id}/runs", PlatformHost.Json, Ct);
        Assert.Equal("schedule", Assert.Single(runs.EnumerateArray()).GetProperty("trigger").GetString());

        var other = Client((await NewTenantAsync("globex", "other")).Key);
        foreach (var (method, url) in new[] { ("GET", $"/api/v1/sources/{id}"), ("POST", $"/api/v1/sources/{id}/sync"), ("POST", $"/api/v1/sources/{id}/pause"),
                     ("GET", $"/api/v1/sources/{id}/runs"), ("DELETE", $"/api/v1/sources/{id}?deleteDocuments=true"),
                     ("GET", $"/api/v1/sync-runs/{runs[0].GetProperty("id").GetString()}"), ("GET", "/api/v1/knowledge-bases/help/sources") })
        {
            using var response = await other.SendAsync(new HttpRequestMessage(new HttpMethod(method), url), Ct);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        Assert.False((await _sources.Http.GetFromJsonAsync<JsonElement>($"/api/v1/sources/{id}", PlatformHost.Json, Ct)).GetProperty("paused").GetBoolean());
    }

    private async Task<JsonElement> WaitForRunAsync(string sourceId, Func<JsonElement, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var runs = await _sources.Http.GetFromJsonAsync<JsonElement>($"/api/v1/sources/{sourceId}/runs", PlatformHost.Json, Ct);
            if (runs.EnumerateArray().FirstOrDefault(condition) is { ValueKind: JsonValueKind.Object } run) return run;
            Assert.True(DateTime.UtcNow < deadline, $"no matching sync in time: {runs}");
            await Task.Delay(100, Ct);
        }
    }

    private static string SampleFolder() => Channels.SampleFiles.Folder;
}
