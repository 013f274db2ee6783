using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>What was ingested survives a restart, without re-embedding; lost index files are rebuilt from the database.</summary>
public abstract class RestartTests(TestDatabase database) : IAsyncLifetime
{
    public sealed class OnSqlite() : RestartTests(TestDatabase.Sqlite());

    public sealed class OnPostgres(PostgresServer server) : RestartTests(TestDatabase.Postgres(server));

    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly string _data = PlatformHost.NewDataPath();

    public async ValueTask InitializeAsync() => await database.CreateAsync(_data, _ct);

    public async ValueTask DisposeAsync()
    {
        await database.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    private PlatformHost StartHost() => new(_data, database.Settings);

    private async Task<string> TopFileAsync(HttpClient client, string query)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/knowledge-bases/support/search", new { query }, _ct);
        response.EnsureSuccessStatusCode();
        var result = await response.Content.ReadFromJsonAsync<JsonElement>(_ct);
        return result.GetProperty("hits")[0].GetProperty("fileName").GetString()!;
    }

    private static async Task<(int Attempts, DateTimeOffset Updated)> IngestionRecordAsync(PlatformHost host, CancellationToken ct)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        var attempts = await db.IngestionJobs.SumAsync(j => j.Attempts, ct);
        var updated = (await db.Documents.ToListAsync(ct)).Max(d => d.UpdatedAt);
        return (attempts, updated);
    }

    [Fact]
    public async Task Ingested_documents_stay_searchable_after_a_restart_and_after_losing_the_index_files()
    {
        string key;
        (int, DateTimeOffset) before;
        await using (var first = StartHost())
        {
            key = await first.CreateTenantAsync("acme", "support", _ct);
            using var client = first.Client(key);
            foreach (var (name, text) in new[] { ("returns-policy.md", ApiJourneyTests.ReturnsPolicy), ("thermostat-install.md", ApiJourneyTests.ThermostatGuide) })
            {
                using var upload = await PlatformHost.UploadAsync(client, "support", name, text, _ct);
                var accepted = await upload.Content.ReadFromJsonAsync<JsonElement>(_ct);
                await PlatformHost.WaitForIngestionAsync(client, accepted.GetProperty("statusUrl").GetString()!, _ct);
            }
            Assert.Equal("returns-policy.md", await TopFileAsync(client, "refund to the original payment method"));
            before = await IngestionRecordAsync(first, _ct);
        }

        await using (var second = StartHost())
        {
            using var client = second.Client(key);
            Assert.Equal("returns-policy.md", await TopFileAsync(client, "refund to the original payment method"));
            Assert.Equal("thermostat-install.md", await TopFileAsync(client, "C wire constant power"));
            // Nothing was ingested again: no new attempts, no document touched.
            Assert.Equal(before, await IngestionRecordAsync(second, _ct));
        }

        Directory.Delete(Path.Combine(_data, "index"), recursive: true);

        await using (var third = StartHost())
        {
            using var client = third.Client(key);
            Assert.Equal("thermostat-install.md", await TopFileAsync(client, "C wire constant power"));
            Assert.Equal("returns-policy.md", await TopFileAsync(client, "refund to the original payment method"));
            Assert.Equal(before, await IngestionRecordAsync(third, _ct));
            await using var scope = third.Services.CreateAsyncScope();
            var ready = await scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>().Documents.CountAsync(d => d.Status == DocumentStatus.Ready, _ct);
            Assert.Equal(2, ready);
        }
    }
}
