using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.IntegrationTests.Portal;
using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.Playwright;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Replicas;

/// <summary>
/// Two server processes on one PostgreSQL database, as two replicas behind a load balancer: what one issues the other
/// honours (sign-in cookies, antiforgery tokens), limits count across both, and the webhook outbox survives a restart
/// of both (decisions 0090-0092).
/// </summary>
public sealed class ReplicaTests(PostgresServer server, Chromium chromium) : PlatformTest(TestPlatform.Owned(TestDatabase.Postgres(server)))
{
    /// <summary>Low enough for the limit test to reach it quickly, high enough for the other tests' polling to stay under it.</summary>
    private const int KeyRequestsPerMinute = 60;
    private const string AdminEmail = "admin@acme.example";

    private readonly WebhookReceiver _receiver = new();
    private ServerProcess _a = null!;
    private ServerProcess _b = null!;
    private string _key = "";

    // The replicas are server processes of their own on the test's database and data folder.
    protected override bool StartsServer => false;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var settings = Database.With(new Dictionary<string, string>
        {
            ["Storage:DataPath"] = DataPath,
            ["Security:RateLimits:KeyRequestsPerMinute"] = KeyRequestsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Channels:Handoff:RetriesPerRound"] = "0",
            ["Channels:Handoff:FirstRetryDelay"] = "00:00:00.500",
            ["Channels:Handoff:MaxRetryDelay"] = "00:00:02",
            ["Channels:Handoff:Rounds"] = "50",
            ["Channels:Handoff:PollInterval"] = "00:00:00.200",
        });
        _a = new ServerProcess(settings);
        _b = new ServerProcess(settings);
        // The first replica migrates the database; both then start as a rolling deployment would.
        await _a.StartAsync(Ct);
        await _b.StartAsync(Ct);

        await using (var db = Database.NewContext())
        {
            db.Tenants.Add(new Tenant { Id = "acme", Name = "Acme" });
            await db.SaveChangesAsync(Ct);
        }
        _key = await NewKeyAsync();
        using var admin = _a.Client(_key);
        (await admin.PostAsJsonAsync("/api/v1/users", new { email = AdminEmail, password = PortalSession.Password, role = "tenant-admin" }, Ct)).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/v1/knowledge-bases", new { name = "handbook", vertical = "general" }, Ct)).EnsureSuccessStatusCode();
    }

    public override async ValueTask DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _receiver.DisposeAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task A_curator_signs_in_on_one_server_and_uses_the_portal_through_the_other()
    {
        // The antiforgery token and cookie of A's sign-in form are accepted by B.
        var cookies = new CookieContainer();
        using (var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }))
        {
            var form = await http.GetStringAsync(new Uri(_a.Address, "/portal/login"), Ct);
            var token = WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value);
            using var signIn = await http.PostAsync(new Uri(_b.Address, "/portal/account/login"), new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["email"] = AdminEmail, ["password"] = PortalSession.Password, ["returnUrl"] = "/portal", ["__RequestVerificationToken"] = token,
            }), Ct);
            Assert.Equal((HttpStatusCode.Redirect, "/portal"), (signIn.StatusCode, signIn.Headers.Location?.OriginalString));
        }

        // In the browser: signed in on A, the portal served by B knows the user and works (a knowledge base created there).
        await using var context = await chromium.NewContextAsync();
        var page = await SignInOnAAsync(context);
        await page.GotoAsync(new Uri(_b.Address, "/portal/knowledge-bases").ToString());
        Assert.StartsWith($"{_b.Address}portal/knowledge-bases", page.Url, StringComparison.Ordinal);
        await page.GetByTestId("kb-list").GetByText("handbook").WaitForAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("made-on-b");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await page.GetByTestId("kb-list").GetByText("made-on-b").WaitForAsync();
        await Chromium.ScreenshotAsync(page, "replicas-portal-through-the-other-server");

        using var api = _a.Client(_key);
        var names = (await api.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases", Ct)).EnumerateArray().Select(k => k.GetProperty("name").GetString());
        Assert.Contains("made-on-b", names);
    }

    [Fact]
    public async Task A_rate_limit_of_n_per_minute_allows_n_requests_in_total_across_both_servers()
    {
        // Counts are per calendar minute: start well inside one.
        var intoMinute = DateTimeOffset.UtcNow.Second;
        if (intoMinute > 45) await Task.Delay(TimeSpan.FromSeconds(61 - intoMinute), Ct);
        var key = await NewKeyAsync();
        using var a = _a.Client(key);
        using var b = _b.Client(key);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < KeyRequestsPerMinute; i++)
        {
            foreach (var client in new[] { a, b })
            {
                using var response = await client.GetAsync("/api/v1/knowledge-bases", Ct);
                statuses.Add(response.StatusCode);
                if (response.StatusCode == HttpStatusCode.TooManyRequests) Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
            }
        }

        Assert.Equal(KeyRequestsPerMinute, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(KeyRequestsPerMinute, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task A_handoff_webhook_whose_receiver_is_down_during_a_restart_of_both_servers_is_delivered_once_after_with_a_valid_signature()
    {
        using (var api = _a.Client(_key))
        {
            (await api.PutAsJsonAsync("/api/v1/widget-settings", new { handoffWebhookUrl = _receiver.Url }, Ct)).EnsureSuccessStatusCode();
            using var handoff = await api.PostAsJsonAsync("/api/v1/handoffs", new { message = "Please call me", contact = "sam@example.com" }, Ct);
            Assert.Equal(HttpStatusCode.Accepted, handoff.StatusCode);
            // The receiver is down: the first attempts fail and the message waits in the outbox.
            await WaitForMessageAsync(_a, m => m.GetProperty("lastResult").GetString() == "unreachable");
        }

        await Task.WhenAll(_a.StopAsync(), _b.StopAsync());
        await _a.StartAsync(Ct);
        await _b.StartAsync(Ct);
        await _receiver.StartAsync();

        using var after = _b.Client(_key);
        var delivered = await WaitForMessageAsync(_b, m => m.GetProperty("status").GetString() == "delivered");
        await Task.Delay(TimeSpan.FromSeconds(2), Ct); // time for a duplicate to show up, were there one
        var call = Assert.Single(_receiver.Calls);
        var secret = (await after.GetFromJsonAsync<JsonElement>("/api/v1/webhooks/signing-secret", Ct)).GetProperty("secret").GetString()!;
        Assert.True(WebhookReceiver.IsValid(call, secret), "the signature does not verify with the tenant's secret");
        Assert.Equal(delivered.GetProperty("id").GetString(), call.Id);
        Assert.Equal("Please call me", JsonDocument.Parse(call.Body).RootElement.GetProperty("message").GetString());
        Assert.Equal("delivered", (await after.GetFromJsonAsync<JsonElement>("/api/v1/handoffs", Ct))[0].GetProperty("webhook").GetString());

        // The delivery, as a curator sees it in the portal (served by the other server).
        await using var context = await chromium.NewContextAsync();
        var page = await SignInOnAAsync(context);
        await page.GotoAsync(new Uri(_b.Address, "/portal/handoffs").ToString());
        await page.GetByTestId("delivery").GetByText("delivered").WaitForAsync();
        await Chromium.ScreenshotAsync(page, "replicas-handoff-delivered");
    }

    private async Task<IPage> SignInOnAAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync(new Uri(_a.Address, "/portal/login").ToString());
        await page.GetByLabel("E-mail").FillAsync(AdminEmail);
        await page.GetByLabel("Password").FillAsync(PortalSession.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        // The dashboard's URL and its signed-in layout, not its "load" event (PortalSession.SignInInBrowserAsync says why).
        await page.WaitForURLAsync($"{_a.Address}portal", new() { WaitUntil = WaitUntilState.Commit });
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).WaitForAsync();
        return page;
    }

    /// <summary>A fresh key of the tenant, written to the database as an operator's tooling would.</summary>
    private async Task<string> NewKeyAsync()
    {
        var key = ApiKeys.Generate();
        await using var db = Database.NewContext();
        db.ApiKeys.Add(ApiKeys.Create("acme", "replica test", key));
        await db.SaveChangesAsync(Ct);
        return key;
    }

    /// <summary>
    /// Polls the outbox with a key of its own, at most half its limit per minute: the limit counts every request of a key
    /// in a calendar minute across both servers, and a wait that spans a slow restart must not run into it.
    /// </summary>
    private async Task<JsonElement> WaitForMessageAsync(ServerProcess server, Func<JsonElement, bool> condition)
    {
        using var api = server.Client(await NewKeyAsync());
        var interval = TimeSpan.FromMinutes(1) / (KeyRequestsPerMinute / 2);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var message = (await api.GetFromJsonAsync<JsonElement>("/api/v1/webhooks/messages", Ct)).EnumerateArray().SingleOrDefault();
            if (message.ValueKind == JsonValueKind.Object && condition(message)) return message;
            Assert.True(DateTime.UtcNow < deadline, $"the webhook message did not get there: {message}\nA:\n{_a.Output}\nB:\n{_b.Output}");
            await Task.Delay(interval, Ct);
        }
    }
}
