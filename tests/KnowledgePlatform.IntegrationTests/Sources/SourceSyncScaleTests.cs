using System.Diagnostics;
using System.Text.Json;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Sources;

/// <summary>A sync of 1,000 unchanged pages costs conditional requests only: nothing is submitted or embedded again (decision 80).</summary>
public sealed class SourceSyncScaleTests(SqlitePlatform platform) : PlatformTest(platform), IClassFixture<SqlitePlatform>
{
    private const int Pages = 1000;
    private LoopbackSite _site = null!;

    protected override string KnowledgeBase => "faq";

    protected override IReadOnlyDictionary<string, string> Settings { get; } = SourceClient.Settings();

    public override async ValueTask InitializeAsync()
    {
        _site = await LoopbackSite.StartAsync();
        for (var i = 0; i < Pages; i++)
            _site.Set($"/faq/q{i:D4}", LoopbackSite.Html($"Question {i}", $"Order {i} ships from warehouse {i % 9} within {i % 5 + 1} days."));
        _site.SetSitemap("/faq/sitemap.xml", Enumerable.Range(0, Pages).Select(i => $"/faq/q{i:D4}"));
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _site.DisposeAsync();
    }

    [Fact]
    public async Task Syncing_1000_unchanged_pages_embeds_nothing_and_takes_under_30_seconds()
    {
        var client = Admin;
        var sources = new SourceClient(client, "faq");
        var source = await sources.CreateWebAsync(_site.Url("/faq/sitemap.xml"), TimeSpan.FromDays(1), Ct, maxPages: 2 * Pages);
        var first = await sources.WaitAsync(source.GetProperty("lastRun").GetProperty("id").GetString()!, Ct, TimeSpan.FromMinutes(15));
        Assert.Equal(Pages, SourceClient.Count(first, "added"));
        var (jobs, chunks) = await CountAsync();
        Assert.Equal(Pages, jobs);

        var clock = Stopwatch.StartNew();
        var run = await sources.SyncAsync(source.GetProperty("id").GetString()!, Ct);
        var second = await sources.WaitAsync(run.GetProperty("id").GetString()!, Ct);
        var elapsed = clock.Elapsed;

        Assert.Equal("succeeded", second.GetProperty("run").GetProperty("status").GetString());
        Assert.Equal((Pages, 0, 0, 0), (SourceClient.Count(second, "unchanged"), SourceClient.Count(second, "added"), SourceClient.Count(second, "updated"), SourceClient.Count(second, "removed")));
        Assert.Equal((jobs, chunks), await CountAsync());
        Assert.All(await sources.DocumentsAsync(Ct), d => Assert.Equal(1, d.GetProperty("version").GetInt32()));
        Assert.Equal(2 * Pages, _site.Requests.Count(r => r.Path.StartsWith("/faq/q", StringComparison.Ordinal)));
        Assert.Equal(Pages, _site.Requests.Count(r => r.Path.StartsWith("/faq/q", StringComparison.Ordinal) && r.Status == 304));
        Assert.True(elapsed < TimeSpan.FromSeconds(30), $"re-syncing {Pages} unchanged pages took {elapsed.TotalSeconds:0.0} s");
        TestSummary.Report($"first sync of {Pages} pages (fetch + submit) {Duration(first):0.0} s; unchanged re-sync {Duration(second):0.0} s in the worker, {elapsed.TotalSeconds:0.0} s from request to done; 0 jobs, 0 embeddings");
    }

    private static double Duration(JsonElement detail)
    {
        var run = detail.GetProperty("run");
        return (run.GetProperty("finishedAt").GetDateTimeOffset() - run.GetProperty("startedAt").GetDateTimeOffset()).TotalSeconds;
    }

    private async Task<(int Jobs, int Chunks)> CountAsync()
    {
        await using var scope = Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        return (await db.IngestionJobs.CountAsync(Ct), await db.Chunks.CountAsync(Ct));
    }
}
