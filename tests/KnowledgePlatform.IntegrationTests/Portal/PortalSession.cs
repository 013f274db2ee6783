using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace KnowledgePlatform.IntegrationTests.Portal;

/// <summary>Portal users for tests: created through the users API, signed in through the real sign-in form.</summary>
internal static partial class PortalSession
{
    public const string Password = "correct-horse-battery";

    public static async Task<string> CreateUserAsync(PlatformHost host, string adminKey, string email, string role, CancellationToken ct, string[]? groups = null)
    {
        using var admin = host.Client(adminKey);
        using var response = await admin.PostAsJsonAsync("/api/v1/users", new { email, password = Password, role, groups }, PlatformHost.Json, ct);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Creating {email} failed: {await response.Content.ReadAsStringAsync(ct)}");
        var user = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(PlatformHost.Json, ct);
        return user.GetProperty("id").GetString()!;
    }

    /// <summary>An HttpClient holding a portal sign-in cookie, obtained by posting the sign-in form with its antiforgery token.</summary>
    public static async Task<HttpClient> SignInAsync(PlatformHost host, string email, CancellationToken ct, string password = Password)
    {
        var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        using var plain = host.Client();
        var client = new HttpClient(handler) { BaseAddress = plain.BaseAddress };
        using var response = await PostFormAsync(client, "/portal/account/login", new() { ["email"] = email, ["password"] = password, ["returnUrl"] = "/portal" }, ct);
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.OriginalString != "/portal")
            throw new InvalidOperationException($"Sign-in failed: {(int)response.StatusCode} → {response.Headers.Location}");
        return client;
    }

    /// <summary>Posts one of the portal's account forms (sign-in, sign-out, tenant switch) with the antiforgery token its pages render.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string url, Dictionary<string, string> fields, CancellationToken ct)
    {
        var page = await client.GetStringAsync("/portal/login", ct);
        fields["__RequestVerificationToken"] = WebUtility.HtmlDecode(TokenField().Match(page).Groups[1].Value);
        return await client.PostAsync(url, new FormUrlEncodedContent(fields), ct);
    }

    /// <summary>Signs in through the portal's sign-in page in the browser and waits for the dashboard.</summary>
    public static async Task<Microsoft.Playwright.IPage> SignInInBrowserAsync(Microsoft.Playwright.IBrowserContext context, PlatformHost host, string email)
    {
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync(host.Url("/portal/login"));
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        try
        {
            // The dashboard is reached when its URL is committed and the signed-in layout shows; not its "load" event, which
            // a busy machine once held back past the timeout while the dashboard stood rendered (the failure below showed it).
            await page.WaitForURLAsync(url => url.EndsWith("/portal", StringComparison.Ordinal), new() { WaitUntil = Microsoft.Playwright.WaitUntilState.Commit });
            await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Sign out" }).WaitForAsync();
        }
        catch (TimeoutException timeout)
        {
            // Where the browser is instead (the sign-in page's ?error=…) and what it shows say why.
            string shown;
            try
            {
                shown = await page.Locator("body").InnerTextAsync(new() { Timeout = 5_000 });
            }
            catch (Microsoft.Playwright.PlaywrightException)
            {
                shown = "(no text)";
            }
            throw new TimeoutException($"Signing in as {email} did not reach /portal: the browser is at {page.Url}, showing: {shown[..Math.Min(shown.Length, 400)]}", timeout);
        }
        return page;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
