using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Portal;
using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.Playwright;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.CdsHooks;

/// <summary>
/// A tenant admin sets up CDS Hooks in the portal in Chromium: offers the medical knowledge base on order-select under
/// its own service id, switches it off and on, registers a ward's EHR by pasting its JWK Set, and sees that EHR's signed
/// call with the renal warning card it got.
/// </summary>
[Collection(CdsHooksCollection.Name)]
public sealed class CdsHooksPortalBrowserTests(CdsHooksHost cds, Chromium chromium)
{
    private const string Email = "cds-admin@clinic.example";
    private const string ServiceId = "medical-renal-check";
    private const string WardIssuer = "https://ward-ehr.example.org/";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_admin_enables_a_service_registers_an_ehr_and_sees_its_call_with_the_cards()
    {
        await using var context = await chromium.NewContextAsync(new() { ViewportSize = new() { Width = 1366, Height = 900 } });
        await PortalSession.CreateUserAsync(cds.Host, CdsHooksHost.Key, Email, "tenant-admin", _ct);
        using var api = cds.Host.Client(CdsHooksHost.Key);
        using var wardKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        try
        {
            await page.GotoAsync(cds.Host.Url("/portal/cds-hooks"));
            await page.WaitForURLAsync("**/portal/login**");
            await page.GetByLabel("E-mail").FillAsync(Email);
            await page.GetByLabel("Password").FillAsync(PortalSession.Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await page.Locator("[data-testid=cds-services]").WaitForAsync();

            // Offer the knowledge base on order-select under a service id of our own.
            await page.Locator("[data-testid=kb-picker]").SelectOptionAsync(new SelectOptionValue { Label = "medical" });
            await page.GetByLabel("Hook").SelectOptionAsync("order-select");
            await page.GetByLabel("Service id (optional)").FillAsync(ServiceId);
            await page.GetByRole(AriaRole.Button, new() { Name = "Enable service" }).ClickAsync();
            var row = page.Locator("[data-testid=cds-service-row]", new() { HasText = ServiceId });
            await row.WaitForAsync();
            Assert.Contains(ServiceId, await DiscoveredAsync(api));

            // Off: EHRs no longer discover it; on again.
            await row.GetByRole(AriaRole.Button, new() { Name = $"Turn off {ServiceId}" }).ClickAsync();
            await row.Locator("[data-testid=cds-service-state]", new() { HasText = "off" }).WaitForAsync();
            Assert.DoesNotContain(ServiceId, await DiscoveredAsync(api));
            await row.GetByRole(AriaRole.Button, new() { Name = $"Turn on {ServiceId}" }).ClickAsync();
            await row.Locator("[data-testid=cds-service-state]", new() { HasText = "on" }).WaitForAsync();
            Assert.Contains(ServiceId, await DiscoveredAsync(api));

            // Register the ward's EHR by pasting its public keys.
            await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Ward EHR");
            await page.GetByLabel("Issuer (the iss of its tokens)").FillAsync(WardIssuer);
            await page.GetByLabel("Client id (optional; the sub of its tokens)").FillAsync("ward-7");
            await page.GetByLabel("Paste a JWK Set").CheckAsync();
            await page.GetByLabel("JWK Set (public keys only)").FillAsync(CdsHooksHost.PublicJwks(wardKey, "ward-1"));
            await page.GetByRole(AriaRole.Button, new() { Name = "Register EHR" }).ClickAsync();
            await page.Locator("[data-testid=cds-client-row]", new() { HasText = "Ward EHR" }).WaitForAsync();

            // The ward's EHR calls the new service with a token signed by the pasted key; the curator sees the call and its card.
            var path = $"/cds-services/{ServiceId}";
            using var ehr = cds.Host.Client();
            using var call = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(CdsHooksHost.Request("order-select-ibuprofen-egfr-25.json", "order-select")) };
            call.Headers.Authorization = new AuthenticationHeaderValue("Bearer", CdsHooksHost.Sign(wardKey, "ward-1", WardIssuer, cds.Host.Url(path).TrimEnd('/'), "ward-7"));
            using (var response = await ehr.SendAsync(call, _ct)) Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(_ct));

            // Tried with curl and an API key too: the call shows under the key's name.
            using (var tried = await api.PostAsJsonAsync(path, CdsHooksHost.Request("order-select-ibuprofen-egfr-25.json", "order-select"), _ct))
                Assert.True(tried.IsSuccessStatusCode, await tried.Content.ReadAsStringAsync(_ct));
            var keyName = (await api.GetFromJsonAsync<JsonElement>("/api/v1/api-keys", _ct)).EnumerateArray()
                .Single(k => CdsHooksHost.Key.StartsWith(k.GetProperty("prefix").GetString()!, StringComparison.Ordinal) && k.GetProperty("kind").GetString() == "server").GetProperty("name").GetString();

            await page.ReloadAsync();
            Assert.Contains($"API key “{keyName}”", await page.Locator("[data-testid=cds-invocation]", new() { HasText = ServiceId }).First.Locator("summary").InnerTextAsync());
            var invocation = page.Locator("[data-testid=cds-invocation]", new() { HasText = "Ward EHR" }).First;
            await invocation.Locator("summary").ClickAsync();
            // Among its cards the renal warning, as the EHR got it.
            await invocation.Locator("[data-testid=cds-card]", new() { HasText = "renal" }).Locator(".badge", new() { HasText = "warning" }).WaitForAsync();
            Assert.Contains("Ward EHR", await invocation.Locator("summary").InnerTextAsync());
            await Chromium.ScreenshotAsync(page, "portal-cds-hooks");
        }
        catch
        {
            await Chromium.ScreenshotAsync(page, "failure-portal-cds-hooks");
            throw;
        }
        finally
        {
            // The collection's other tests expect the demo's three services and one EHR.
            foreach (var s in (await api.GetFromJsonAsync<JsonElement>("/api/v1/cds-hooks/services", _ct)).EnumerateArray().Where(s => s.GetProperty("serviceId").GetString() == ServiceId))
                (await api.DeleteAsync($"/api/v1/cds-hooks/services/{s.GetProperty("id").GetString()}", _ct)).Dispose();
            foreach (var c in (await api.GetFromJsonAsync<JsonElement>("/api/v1/cds-hooks/clients", _ct)).EnumerateArray().Where(c => c.GetProperty("issuer").GetString() == WardIssuer))
                (await api.DeleteAsync($"/api/v1/cds-hooks/clients/{c.GetProperty("id").GetString()}", _ct)).Dispose();
        }
    }

    private async Task<string> DiscoveredAsync(HttpClient api) => await api.GetStringAsync("/cds-services", _ct);
}
