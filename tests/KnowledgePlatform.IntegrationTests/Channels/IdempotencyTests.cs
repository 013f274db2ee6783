using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Channels;

/// <summary>Idempotency-Key on writes: replay, refusal of a reused key, per-tenant scope, durability and expiry.</summary>
public sealed class IdempotencyTests(SqlitePlatform platform) : PlatformTest(platform), IClassFixture<SqlitePlatform>
{
    private string _acme = "";
    private string _globex = "";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _acme = Tenant.Key;
        _globex = (await NewTenantAsync("globex", "support")).Key;
    }

    private static async Task<HttpResponseMessage> Send(PlatformHost host, string key, string idempotencyKey, object body, CancellationToken ct)
    {
        using var client = host.Client(key);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/knowledge-bases") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await client.SendAsync(request, ct);
    }

    private static async Task<string> IdOf(HttpResponseMessage response, CancellationToken ct) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString()!;

    [Fact]
    public async Task The_same_key_and_request_replay_the_stored_response_without_doing_it_twice()
    {
        using var first = await Send(Host, _acme, "create-faq-1", new { name = "faq" }, Ct);
        using var second = await Send(Host, _acme, "create-faq-1", new { name = "faq" }, Ct);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(await IdOf(first, Ct), await IdOf(second, Ct));
        Assert.False(first.Headers.Contains("Idempotency-Replayed"));
        Assert.Equal("true", second.Headers.GetValues("Idempotency-Replayed").Single());
        using var client = Host.Client(_acme);
        var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases", Ct);
        Assert.Single(list.EnumerateArray(), kb => kb.GetProperty("name").GetString() == "faq");
    }

    [Fact]
    public async Task The_same_key_with_another_request_is_refused_with_problem_details()
    {
        using var first = await Send(Host, _acme, "create-2", new { name = "manuals" }, Ct);
        using var second = await Send(Host, _acme, "create-2", new { name = "other" }, Ct);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, second.StatusCode);
        var problem = await second.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("idempotency_key_reused", problem.GetProperty("code").GetString());
        Assert.True(problem.TryGetProperty("requestId", out _));
    }

    [Fact]
    public async Task Keys_are_scoped_per_tenant()
    {
        using var acme = await Send(Host, _acme, "shared-key", new { name = "guides" }, Ct);
        using var globex = await Send(Host, _globex, "shared-key", new { name = "guides" }, Ct);

        Assert.Equal(HttpStatusCode.Created, globex.StatusCode);
        Assert.False(globex.Headers.Contains("Idempotency-Replayed"));
        Assert.NotEqual(await IdOf(acme, Ct), await IdOf(globex, Ct));
    }

    [Fact]
    public async Task A_stored_response_survives_a_restart_and_an_expired_one_is_not_replayed()
    {
        using (var first = await Send(Host, _acme, "durable", new { name = "warranty" }, Ct))
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        await Platform.RestartAsync(Ct);

        using (var replay = await Send(Host, _acme, "durable", new { name = "warranty" }, Ct))
            Assert.Equal("true", replay.Headers.GetValues("Idempotency-Replayed").Single());

        await using (var scope = Host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
            var record = await db.IdempotencyRecords.SingleAsync(r => r.TenantId == Tenant.Id && r.Key == "durable", Ct);
            db.Remove(record);
            db.Add(new Core.Domain.IdempotencyRecord
            {
                Id = record.Id, TenantId = record.TenantId, Key = record.Key, RequestHash = record.RequestHash, StatusCode = record.StatusCode,
                ContentType = record.ContentType, Body = record.Body, CreatedAt = record.CreatedAt.AddDays(-2), ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1),
            });
            await db.SaveChangesAsync(Ct);
        }
        using var expired = await Send(Host, _acme, "durable", new { name = "warranty-2" }, Ct);
        Assert.Equal(HttpStatusCode.Created, expired.StatusCode);
        Assert.False(expired.Headers.Contains("Idempotency-Replayed"));
    }

    [Fact]
    public async Task A_client_error_is_an_answer_to_that_request_and_is_replayed()
    {
        using var invalid = await Send(Host, _acme, "retry-me", new { name = "" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        // A 4xx is a real answer to that request: replayed, not re-run.
        using var again = await Send(Host, _acme, "retry-me", new { name = "" }, Ct);
        Assert.Equal("true", again.Headers.GetValues("Idempotency-Replayed").Single());
    }
}
