using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>
/// The base of an integration test: the server of its <see cref="TestPlatform"/> (shared by the tests of the class, or
/// the test's own) and a fresh tenant of its own on it, with an admin client. Tenants are isolated in every store query
/// and index filter, so a fresh tenant is the reset between tests: nothing another test of the class did is visible.
/// Override <see cref="Settings"/>, <see cref="Logs"/> or <see cref="Services"/> to configure the server (the same for
/// every test of a class), <see cref="TenantName"/> and <see cref="KnowledgeBase"/> to name the tenant's first knowledge base.
/// </summary>
public abstract class PlatformTest(TestPlatform platform) : IAsyncLifetime
{
    private static int _tenants;
    private readonly List<HttpClient> _clients = [];

    protected CancellationToken Ct { get; } = TestContext.Current.CancellationToken;

    protected TestPlatform Platform => platform;

    protected PlatformHost Host => platform.Host;

    protected string DataPath => platform.DataPath;

    protected TestDatabase Database => platform.Database;

    /// <summary>The test's tenant, created before the test.</summary>
    protected TestTenant Tenant { get; private set; } = null!;

    /// <summary>A client with the tenant's admin key.</summary>
    protected HttpClient Admin { get; private set; } = null!;

    /// <summary>The name in the tenant's id; null when the test creates its tenants itself (it counts the server's tenants).</summary>
    protected virtual string? TenantName => "acme";

    protected virtual string KnowledgeBase => "support";

    protected virtual IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

    protected virtual ILoggerProvider? Logs => null;

    protected virtual Action<IServiceCollection>? Services => null;

    /// <summary>False for a test that starts, stops and crashes its servers (or worker processes) itself: only the database is created.</summary>
    protected virtual bool StartsServer => true;

    public virtual async ValueTask InitializeAsync()
    {
        if (!StartsServer)
        {
            await platform.CreateDatabaseAsync(Ct);
            return;
        }
        await platform.StartAsync(Ct, Settings, Logs, Services);
        if (TenantName is not { } name) return;
        Tenant = await NewTenantAsync(name, KnowledgeBase);
        Admin = Client(Tenant.Key);
    }

    /// <summary>Another tenant with a key and a knowledge base; its id is <paramref name="name"/> plus a number unique in the run.</summary>
    protected async Task<TestTenant> NewTenantAsync(string name, string knowledgeBase)
    {
        var id = $"{name}-{Interlocked.Increment(ref _tenants)}";
        return new TestTenant(id, await Host.CreateTenantAsync(id, knowledgeBase, Ct), knowledgeBase);
    }

    /// <summary>A client of the server (or of <paramref name="host"/>) with <paramref name="apiKey"/> (or none), disposed after the test.</summary>
    protected HttpClient Client(string? apiKey = null, PlatformHost? host = null)
    {
        var client = (host ?? Host).Client(apiKey);
        _clients.Add(client);
        return client;
    }

    /// <summary>An e-mail address unique in the run (portal users are unique across tenants), from <paramref name="local"/> and the tenant.</summary>
    protected string Email(string local) => $"{local}@{Tenant.Id}.example";

    /// <summary>A portal user of the tenant with <paramref name="role"/> and the address <see cref="Email"/> gives <paramref name="local"/>; returns the address.</summary>
    protected async Task<string> NewPortalUserAsync(string local, string role)
    {
        var email = Email(local);
        await Portal.PortalSession.CreateUserAsync(Host, Tenant.Key, email, role, Ct);
        return email;
    }

    public virtual async ValueTask DisposeAsync()
    {
        foreach (var client in _clients) client.Dispose();
        if (platform.OwnedByTest) await platform.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
