using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>Daily token quotas per key and per tenant, the storage quota, and the platform admin's overrides (decision 0041).</summary>
public abstract class QuotaTests(TestDatabase database) : IAsyncLifetime
{
    public sealed class OnSqlite() : QuotaTests(TestDatabase.Sqlite());

    public sealed class OnPostgres(PostgresServer server) : QuotaTests(TestDatabase.Postgres(server));

    public const string PlatformKey = "kp_platform_admin_key_for_tests_0123456789";

    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly string _data = PlatformHost.NewDataPath();
    private PlatformHost _host = null!;
    private HttpClient _admin = null!;
    private HttpClient _platform = null!;

    public async ValueTask InitializeAsync()
    {
        await database.CreateAsync(_data, _ct);
        _host = new PlatformHost(_data, database.With(new Dictionary<string, string> { ["Platform:AdminKey"] = PlatformKey }));
        _admin = _host.Client(await _host.CreateTenantAsync("shop", "help", _ct));
        _platform = _host.Client(PlatformKey);
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        _platform.Dispose();
        await _host.DisposeAsync();
        await database.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    private async Task SetQuotaAsync(object quota)
    {
        using var response = await _platform.PutAsJsonAsync("/api/v1/platform/tenants/shop/quotas", quota, _ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<HttpClient> KeyAsync()
    {
        using var response = await _admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "asker", scopes = new[] { "read", "ask" } }, _ct);
        return _host.Client((await response.Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("secret").GetString()!);
    }

    private Task<HttpResponseMessage> AskAsync(HttpClient client) =>
        client.PostAsJsonAsync("/api/v1/knowledge-bases/help/ask", new { question = "How do I return an order that arrived damaged?" }, _ct);

    private static async Task AssertQuotaRefusalAsync(HttpResponseMessage response, string code, int maxRetryAfter)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var retryAfter = (int)response.Headers.RetryAfter!.Delta!.Value.TotalSeconds;
        Assert.InRange(retryAfter, 1, maxRetryAfter);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Asks_count_tokens_per_key_and_per_tenant_and_a_spent_quota_answers_429_until_utc_midnight()
    {
        await PlatformHost.IngestAsync(_admin, "help", "returns.md", "# Returns\n\nA damaged order is returned free of charge within 30 days using the prepaid label in the box.", _ct);
        await SetQuotaAsync(new { keyTokensPerDay = 10 });
        using var first = await KeyAsync();
        using var second = await KeyAsync();

        using (var ask = await AskAsync(first)) Assert.Equal(HttpStatusCode.OK, ask.StatusCode);
        var status = await first.GetFromJsonAsync<JsonElement>("/api/v1/quotas", _ct);
        var used = status.GetProperty("keyTokensToday").GetInt64();
        Assert.True(used > 10, $"an answered ask counts question, answer and cited passages: {used} tokens");
        Assert.Equal(used, status.GetProperty("tenantTokensToday").GetInt64());

        var secondsToMidnight = (int)Math.Ceiling((DateTime.UtcNow.Date.AddDays(1) - DateTime.UtcNow).TotalSeconds) + 1;
        using (var refused = await AskAsync(first)) await AssertQuotaRefusalAsync(refused, "token_quota_exceeded", secondsToMidnight);
        // The quota is the key's: another key of the tenant still asks.
        using (var other = await AskAsync(second)) Assert.Equal(HttpStatusCode.OK, other.StatusCode);

        // A tenant quota below what the tenant used refuses every key.
        await SetQuotaAsync(new { tokensPerDay = used, keyTokensPerDay = 1_000_000 });
        using (var refused = await AskAsync(second)) await AssertQuotaRefusalAsync(refused, "token_quota_exceeded", secondsToMidnight);
        await SetQuotaAsync(new { });
        using (var back = await AskAsync(second)) Assert.Equal(HttpStatusCode.OK, back.StatusCode);
    }

    [Fact]
    public async Task An_upload_that_would_pass_the_storage_quota_is_refused_and_nothing_is_stored()
    {
        await SetQuotaAsync(new { storageBytes = 1000 });
        var text = "# Shipping\n\n" + string.Concat(Enumerable.Repeat("Orders ship within two working days. ", 15));
        using (var ok = await PlatformHost.UploadAsync(_admin, "help", "shipping.md", text, _ct)) Assert.Equal(HttpStatusCode.Accepted, ok.StatusCode);
        using (var over = await PlatformHost.UploadAsync(_admin, "help", "shipping-2.md", text, _ct)) await AssertQuotaRefusalAsync(over, "storage_quota_exceeded", 3600);
        Assert.Single((await _admin.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/help/documents", _ct)).EnumerateArray());
        Assert.Equal(1000, (await _admin.GetFromJsonAsync<JsonElement>("/api/v1/quotas", _ct)).GetProperty("limits").GetProperty("storageBytes").GetInt64());
    }

    [Fact]
    public async Task Only_a_platform_admin_sets_quotas_and_a_tenant_admin_cannot_grant_itself_the_platform_scope()
    {
        using (var own = await _admin.PutAsJsonAsync("/api/v1/platform/tenants/shop/quotas", new { tokensPerDay = 999_999_999 }, _ct))
            Assert.Equal(HttpStatusCode.Forbidden, own.StatusCode);
        using (var escalate = await _admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "x", scopes = new[] { "platform" } }, _ct))
            Assert.Equal(HttpStatusCode.BadRequest, escalate.StatusCode);
        using (var unknown = await _platform.PutAsJsonAsync("/api/v1/platform/tenants/nobody/quotas", new { tokensPerDay = 5 }, _ct))
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using (var invalid = await _platform.PutAsJsonAsync("/api/v1/platform/tenants/shop/quotas", new { tokensPerDay = 0 }, _ct))
            Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
    }
}

public sealed class QuotaOptionsTests
{
    [Fact]
    public void A_server_with_a_non_positive_quota_refuses_to_start_and_names_the_setting()
    {
        var data = PlatformHost.NewDataPath();
        try
        {
            var error = Assert.ThrowsAny<Exception>(() => new PlatformHost(data, new Dictionary<string, string> { ["Security:Quotas:TokensPerDay"] = "0" }).Dispose());
            Assert.Contains("TokensPerDay", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
        }
    }
}
