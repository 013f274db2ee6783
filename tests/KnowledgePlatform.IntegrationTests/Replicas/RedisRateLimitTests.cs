using System.Net;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Replicas;

/// <summary>With Redis:Configuration set, two servers count one rate limit in Redis (decision 0091).</summary>
public sealed class RedisRateLimitTests(PostgresServer server) : PlatformTest(TestPlatform.Owned(TestDatabase.Postgres(server)))
{
    private const int Limit = 12;
    // The second server's data folder; both servers share the test's database and Redis.
    private readonly string _second = PlatformHost.NewDataPath();
    private RedisServer _redis = null!;
    private PlatformHost _a = null!;
    private PlatformHost _b = null!;

    protected override bool StartsServer => false;

    public override async ValueTask InitializeAsync()
    {
        _redis = await RedisServer.StartAsync(Ct);
        await base.InitializeAsync();
        var settings = new Dictionary<string, string>
        {
            ["Redis:Configuration"] = _redis.Configuration,
            ["Security:RateLimits:KeyRequestsPerMinute"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        _a = new PlatformHost(DataPath, Database.With(settings));
        _b = new PlatformHost(_second, Database.With(settings));
    }

    public override async ValueTask DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _redis.DisposeAsync();
        await base.DisposeAsync();
        if (Directory.Exists(_second)) Directory.Delete(_second, recursive: true);
    }

    [Fact]
    public async Task Two_servers_allow_the_limit_once_in_total_when_redis_holds_the_counts()
    {
        if (DateTimeOffset.UtcNow.Second > 50) await Task.Delay(TimeSpan.FromSeconds(61 - DateTimeOffset.UtcNow.Second), Ct);
        var key = await _a.CreateTenantAsync("acme", "handbook", Ct); // one request of the key
        using var a = _a.Client(key);
        using var b = _b.Client(key);

        var ok = 0;
        var refused = 0;
        for (var i = 0; i < Limit; i++)
        {
            foreach (var client in new[] { a, b })
            {
                using var response = await client.GetAsync("/api/v1/knowledge-bases", Ct);
                if (response.StatusCode == HttpStatusCode.OK) ok++;
                else if (response.StatusCode == HttpStatusCode.TooManyRequests) refused++;
            }
        }

        // The key's first request created the knowledge base: Limit - 1 more pass, on either server, and the rest are refused.
        Assert.Equal((Limit - 1, Limit + 1), (ok, refused));
    }
}
