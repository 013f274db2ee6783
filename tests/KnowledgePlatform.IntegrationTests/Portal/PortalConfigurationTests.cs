using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Portal;

/// <summary>Portal sign-in settings are validated at start-up, and OpenID Connect appears only when configured.</summary>
public sealed class PortalConfigurationTests
{
    private static Task<Exception> StartFails(Dictionary<string, string> settings) => TestPlatform.StartFailureAsync(settings, TestContext.Current.CancellationToken);

    [Fact]
    public async Task An_openid_connect_authority_without_https_or_client_id_stops_the_server_with_the_setting_named()
    {
        Assert.Contains("must be an absolute https URL", (await StartFails(new() { ["Portal:OpenIdConnect:Authority"] = "http://idp.example", ["Portal:OpenIdConnect:ClientId"] = "kp" })).ToString());
        Assert.Contains("Portal:OpenIdConnect:ClientId is required", (await StartFails(new() { ["Portal:OpenIdConnect:Authority"] = "https://idp.example" })).ToString());
    }

    [Fact]
    public async Task A_first_admin_needs_both_email_and_password()
    {
        Assert.Contains("Portal:Admin needs both Email and Password", (await StartFails(new() { ["Portal:Admin:Email"] = "root@example.test" })).ToString());
    }

    [Fact]
    public async Task The_sign_in_page_offers_single_sign_on_only_when_it_is_configured()
    {
        var ct = TestContext.Current.CancellationToken;
        await using (var plain = new SqlitePlatform())
        {
            using var client = (await plain.StartAsync(ct)).Client();
            Assert.DoesNotContain("/portal/account/external", await client.GetStringAsync("/portal/login", ct));
        }
        await using var platform = new SqlitePlatform();
        var sso = await platform.StartAsync(ct, new Dictionary<string, string>
        {
            ["Portal:OpenIdConnect:Authority"] = "https://idp.example",
            ["Portal:OpenIdConnect:ClientId"] = "knowledge-platform",
            ["Portal:OpenIdConnect:DisplayName"] = "Sign in with Contoso ID",
        });
        using var ssoClient = sso.Client();
        var page = await ssoClient.GetStringAsync("/portal/login", ct);
        Assert.Contains("/portal/account/external", page);
        Assert.Contains("Sign in with Contoso ID", page);
    }
}

/// <summary>With the demo switched on, each demo tenant has its documented portal user.</summary>
public sealed class DemoPortalUserTests
{
    [Fact]
    public async Task The_documented_demo_user_signs_in_as_tenant_admin_of_the_demo_clinic()
    {
        var ct = TestContext.Current.CancellationToken;
        var samples = Directory.CreateTempSubdirectory("kp-no-samples-").FullName;
        await using var platform = new SqlitePlatform();
        var host = await platform.StartAsync(ct, new Dictionary<string, string> { ["Demo:Enabled"] = "true", ["Demo:SamplesPath"] = samples });

        // The demo tenants are seeded in the background, right after start-up.
        HttpClient? client = null;
        for (var attempt = 0; client is null; attempt++)
        {
            try
            {
                client = await PortalSession.SignInAsync(host, "admin@demo-clinic.example", ct, "kp-demo-clinic-portal");
            }
            catch (InvalidOperationException) when (attempt < 50)
            {
                await Task.Delay(200, ct);
            }
        }
        using (client)
        {
            var me = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.JsonElement>(client, "/api/v1/me", ct);
            Assert.Equal("demo-clinic", me.GetProperty("tenantId").GetString());
            Assert.Equal("tenant-admin", me.GetProperty("role").GetString());
        }
    }
}
