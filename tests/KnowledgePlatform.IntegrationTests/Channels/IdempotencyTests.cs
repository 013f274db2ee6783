using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Channels;

/// <summary>Idempotency-Key on writes: replay, refusal of a reused key, per-tenant scope, durability and expiry.</summary>
public sealed class IdempotencyTests : IAsyncLifetime
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly string _data = PlatformHost.NewDataPath();
    private PlatformHost _host = null!;
    private string _acme = "";
    private string _globex = "";

    public async ValueTask InitializeAsync()
    {
        _host = new PlatformHost(_data);
        _acme = await _host.CreateTenantAsync("acme", "support", _ct);
        _globex = await _host.CreateTenantAsync("globex", "support", _ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_data, recursive: true);
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
        using var first = await Send(_host, _acme, "create-faq-1", new { name = "faq" }, _ct);
        using var second = await Send(_host, _acme, "create-faq-1", new { name = "faq" }, _ct);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(await IdOf(first, _ct), await IdOf(second, _ct));
        Assert.False(first.Headers.Contains("Idempotency-Replayed"));
        Assert.Equal("true", second.Headers.GetValues("Idempotency-Replayed").Single());
        using var client = _host.Client(_acme);
        var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases", _ct);
        Assert.Single(list.EnumerateArray(), kb => kb.GetProperty("name").GetString() == "faq");
    }

    [Fact]
    public async Task The_same_key_with_another_request_is_refused_with_problem_details()
    {
        using var first = await Send(_host, _acme, "create-2", new { name = "manuals" }, _ct);
        using var second = await Send(_host, _acme, "create-2", new { name = "other" }, _ct);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, second.StatusCode);
        var problem = await second.Content.ReadFromJsonAsync<JsonElement>(_ct);
        Assert.Equal("idempotency_key_reused", problem.GetProperty("code").GetString());
        Assert.True(problem.TryGetProperty("requestId", out _));
    }

    [Fact]
    public async Task Keys_are_scoped_per_tenant()
    {
        using var acme = await Send(_host, _acme, "shared-key", new { name = "guides" }, _ct);
        using var globex = await Send(_host, _globex, "shared-key", new { name = "guides" }, _ct);

        Assert.Equal(HttpStatusCode.Created, globex.StatusCode);
        Assert.False(globex.Headers.Contains("Idempotency-Replayed"));
        Assert.NotEqual(await IdOf(acme, _ct), await IdOf(globex, _ct));
    }

    [Fact]
    public async Task A_stored_response_survives_a_restart_and_an_expired_one_is_not_replayed()
    {
        using (var first = await Send(_host, _acme, "durable", new { name = "warranty" }, _ct))
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        await _host.DisposeAsync();
        _host = new PlatformHost(_data);

        using (var replay = await Send(_host, _acme, "durable", new { name = "warranty" }, _ct))
            Assert.Equal("true", replay.Headers.GetValues("Idempotency-Replayed").Single());

        await using (var scope = _host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
            var record = await db.IdempotencyRecords.SingleAsync(r => r.TenantId == "acme" && r.Key == "durable", _ct);
            db.Remove(record);
            db.Add(new Core.Domain.IdempotencyRecord
            {
                Id = record.Id, TenantId = record.TenantId, Key = record.Key, RequestHash = record.RequestHash, StatusCode = record.StatusCode,
                ContentType = record.ContentType, Body = record.Body, CreatedAt = record.CreatedAt.AddDays(-2), ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1),
            });
            await db.SaveChangesAsync(_ct);
        }
        using var expired = await Send(_host, _acme, "durable", new { name = "warranty-2" }, _ct);
        Assert.Equal(HttpStatusCode.Created, expired.StatusCode);
        Assert.False(expired.Headers.Contains("Idempotency-Replayed"));
    }

    [Fact]
    public async Task A_client_error_is_an_answer_to_that_request_and_is_replayed()
    {
        using var invalid = await Send(_host, _acme, "retry-me", new { name = "" }, _ct);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        // A 4xx is a real answer to that request: replayed, not re-run.
        using var again = await Send(_host, _acme, "retry-me", new { name = "" }, _ct);
        Assert.Equal("true", again.Headers.GetValues("Idempotency-Replayed").Single());
    }
}
