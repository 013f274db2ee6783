using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>Daily token quotas per key and per tenant, the storage quota, and the platform admin's overrides (decision 0041).</summary>
public abstract class QuotaTests(TestPlatform platform) : PlatformTest(platform)
{
    public sealed class OnSqlite(SqlitePlatform platform) : QuotaTests(platform), IClassFixture<SqlitePlatform>;

    public sealed class OnPostgres(PostgresPlatform platform) : QuotaTests(platform), IClassFixture<PostgresPlatform>;

    public const string PlatformKey = "kp_platform_admin_key_for_tests_0123456789";

    private HttpClient _platform = null!;

    protected override string TenantName => "shop";

    protected override string KnowledgeBase => "help";

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Platform:AdminKey"] = PlatformKey };

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _platform = Client(PlatformKey);
    }

    private async Task SetQuotaAsync(object quota)
    {
        using var response = await _platform.PutAsJsonAsync($"/api/v1/platform/tenants/{Tenant.Id}/quotas", quota, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<HttpClient> KeyAsync()
    {
        using var response = await Admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "asker", scopes = new[] { "read", "ask" } }, Ct);
        return Host.Client((await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("secret").GetString()!);
    }

    private Task<HttpResponseMessage> AskAsync(HttpClient client) =>
        client.PostAsJsonAsync("/api/v1/knowledge-bases/help/ask", new { question = "How do I return an order that arrived damaged?" }, Ct);

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
        await PlatformHost.IngestAsync(Admin, "help", "returns.md", "# Returns\n\nA damaged order is returned free of charge within 30 days using the prepaid label in the box.", Ct);
        await SetQuotaAsync(new { keyTokensPerDay = 10 });
        using var first = await KeyAsync();
        using var second = await KeyAsync();

        using (var ask = await AskAsync(first)) Assert.Equal(HttpStatusCode.OK, ask.StatusCode);
        var status = await first.GetFromJsonAsync<JsonElement>("/api/v1/quotas", Ct);
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
        using (var ok = await PlatformHost.UploadAsync(Admin, "help", "shipping.md", text, Ct)) Assert.Equal(HttpStatusCode.Accepted, ok.StatusCode);
        using (var over = await PlatformHost.UploadAsync(Admin, "help", "shipping-2.md", text, Ct)) await AssertQuotaRefusalAsync(over, "storage_quota_exceeded", 3600);
        Assert.Single((await Admin.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/help/documents", Ct)).EnumerateArray());
        Assert.Equal(1000, (await Admin.GetFromJsonAsync<JsonElement>("/api/v1/quotas", Ct)).GetProperty("limits").GetProperty("storageBytes").GetInt64());
    }

    [Fact]
    public async Task Only_a_platform_admin_sets_quotas_and_a_tenant_admin_cannot_grant_itself_the_platform_scope()
    {
        using (var own = await Admin.PutAsJsonAsync($"/api/v1/platform/tenants/{Tenant.Id}/quotas", new { tokensPerDay = 999_999_999 }, Ct))
            Assert.Equal(HttpStatusCode.Forbidden, own.StatusCode);
        using (var escalate = await Admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "x", scopes = new[] { "platform" } }, Ct))
            Assert.Equal(HttpStatusCode.BadRequest, escalate.StatusCode);
        using (var unknown = await _platform.PutAsJsonAsync("/api/v1/platform/tenants/nobody/quotas", new { tokensPerDay = 5 }, Ct))
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using (var invalid = await _platform.PutAsJsonAsync($"/api/v1/platform/tenants/{Tenant.Id}/quotas", new { tokensPerDay = 0 }, Ct))
            Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
    }
}

public sealed class QuotaOptionsTests
{
    [Fact]
    public async Task A_server_with_a_non_positive_quota_refuses_to_start_and_names_the_setting()
    {
        var error = await TestPlatform.StartFailureAsync(new Dictionary<string, string> { ["Security:Quotas:TokensPerDay"] = "0" }, TestContext.Current.CancellationToken);
        Assert.Contains("TokensPerDay", error.ToString(), StringComparison.Ordinal);
    }
}
