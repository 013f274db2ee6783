using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Portal;
using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.Playwright;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Widget;

/// <summary>
/// The widget as a support lead runs it: keys created, copied, edited and revoked on the portal's Widget page and
/// the widget on a real site following at once; and the widget's call-back button readable in every theme.
/// </summary>
public sealed class WidgetAdministrationBrowserTests(Chromium chromium, WidgetFixture platform) : IClassFixture<WidgetFixture>
{
    private static ILocator Chat(IPage page) => page.Locator("kp-chat");

    private async Task<IPage> VisitAsync(IBrowserContext context, string url)
    {
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync(url);
        await page.GetByRole(AriaRole.Button, new() { Name = "Open chat" }).ClickAsync();
        return page;
    }

    [Fact]
    public async Task A_support_lead_creates_copies_edits_the_origins_of_and_revokes_a_widget_key_and_the_site_follows()
    {
        await using var context = await chromium.NewContextAsync();
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = platform.Platform });
        var page = await PortalSession.SignInInBrowserAsync(context, platform.Host, WidgetFixture.LeadEmail);
        await page.GotoAsync(platform.Host.Url("/portal/widget"));
        var keys = page.Locator("[data-testid=widget-key]");
        await keys.Filter(new() { HasText = "shop widget" }).WaitForAsync();
        // The tenant has a webhook: no warning.
        Assert.Equal(0, await page.GetByTestId("no-webhook").CountAsync());

        // Created: the key is shown once, with a copy button, and the snippet carries it.
        await page.Locator("#w-key-name").FillAsync("docs widget");
        await page.Locator("#w-origins").FillAsync(platform.Site.Origin);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create widget key" }).ClickAsync();
        var created = page.GetByTestId("new-widget-key");
        await Assertions.Expect(created).ToContainTextAsync("shown only this once");
        var secret = (await page.GetByTestId("widget-key-secret").InnerTextAsync()).Trim();
        Assert.StartsWith("kp_", secret, StringComparison.Ordinal);
        Assert.Contains(secret, await page.GetByTestId("snippet").InnerTextAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy the widget key" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("copy-key")).ToHaveTextAsync("Copied");
        Assert.Equal(secret, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        var row = keys.Filter(new() { HasText = "docs widget" });
        await Assertions.Expect(row.GetByTestId("origins")).ToHaveTextAsync(platform.Site.Origin);
        await Chromium.ScreenshotAsync(page, "portal-widget-key-created");
        await page.GetByRole(AriaRole.Button, new() { Name = "I have copied it" }).ClickAsync();
        await Assertions.Expect(created).ToHaveCountAsync(0);
        Assert.DoesNotContain(secret, await page.Locator("main").InnerTextAsync());

        // On a site the key does not list yet, the widget is refused.
        var docsPage = platform.AddWidgetPage(platform.Elsewhere, "docs.html", secret);
        var visitor = await VisitAsync(context, docsPage);
        await Assertions.Expect(Chat(visitor).Locator(".error")).ToContainTextAsync("not available on this site");

        // The lead adds the site's origin and a title of the key's own.
        await page.GetByRole(AriaRole.Button, new() { Name = "Edit docs widget" }).ClickAsync();
        var edit = page.GetByTestId("edit-key");
        await edit.GetByLabel("Allowed origins").FillAsync($"{platform.Site.Origin}\n{platform.Elsewhere.Origin}/");
        await edit.GetByLabel("Title on this key's widget").FillAsync("Docs help");
        await Chromium.ScreenshotAsync(page, "portal-widget-key-edit");
        await edit.GetByRole(AriaRole.Button, new() { Name = "Save key" }).ClickAsync();
        await Assertions.Expect(row.GetByTestId("origins")).ToContainTextAsync(platform.Elsewhere.Origin);
        await Assertions.Expect(row).ToContainTextAsync("Docs help");
        await Assertions.Expect(edit).ToHaveCountAsync(0);

        // The site works at once, with the key's title.
        await visitor.ReloadAsync();
        await visitor.GetByRole(AriaRole.Button, new() { Name = "Open chat" }).ClickAsync();
        await Assertions.Expect(Chat(visitor).Locator("h2")).ToHaveTextAsync("Docs help");
        await Assertions.Expect(visitor.GetByLabel("Type your question")).ToBeEnabledAsync();
        Assert.Equal(0, await Chat(visitor).Locator(".error").CountAsync());
        await Chromium.ScreenshotAsync(visitor, "widget-on-an-added-origin");

        // Revoked (after a confirmation), the key stops answering there.
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke docs widget" }).ClickAsync();
        await page.GetByTestId("revoke-confirm").GetByRole(AriaRole.Button, new() { Name = "Revoke the key" }).ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync("revoked");
        await visitor.ReloadAsync();
        await visitor.GetByRole(AriaRole.Button, new() { Name = "Open chat" }).ClickAsync();
        await Assertions.Expect(Chat(visitor).Locator(".error")).ToContainTextAsync("not available on this site");
    }

    /// <summary>Text contrast of a button (on the panel where the button has no background) and the contrast of its edge (its background or its border) against the panel.</summary>
    private const string ButtonContrast = """
        b => {
          const rgba = s => s.match(/[\d.]+/g).map(Number);
          const lum = c => { const l = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }); return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2]; };
          const ratio = (a, c) => { const x = lum(a), y = lum(c); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
          const s = getComputedStyle(b);
          const panel = rgba(getComputedStyle(b.getRootNode().querySelector('.handoff')).backgroundColor);
          const own = rgba(s.backgroundColor), border = rgba(s.borderTopColor);
          const background = (own[3] ?? 1) === 0 ? panel : own;
          const edges = [ratio(background, panel)];
          if (parseFloat(s.borderTopWidth) > 0 && (border[3] ?? 1) > 0) edges.push(ratio(border, panel));
          return { text: ratio(rgba(s.color), background), edge: Math.max(...edges), colour: s.color, background: s.backgroundColor };
        }
        """;

    [Theory]
    [InlineData("default", "", "")]
    [InlineData("light-brand-colour", "", "data-color=\"#ffd400\"")]
    [InlineData("dark-brand-colour", "", "data-color=\"#7f1d1d\"")]
    [InlineData("dark-page", "<style>kp-chat{--kp-bg:#111827;--kp-text:#f9fafb;--kp-muted:#cbd5e1;--kp-primary:#93c5fd}</style>", "")]
    [InlineData("white-primary", "<style>kp-chat{--kp-primary:#ffffff}</style>", "")]
    public async Task The_call_back_button_is_readable_and_stands_out_from_the_panel_in_every_theme(string theme, string head, string attributes)
    {
        var url = platform.AddWidgetPage(platform.Site, $"theme-{theme}.html", platform.WidgetKey, head, attributes);
        await using var context = await chromium.NewContextAsync();
        var page = await VisitAsync(context, url);
        // The stored settings have arrived (they may change the colour).
        await Assertions.Expect(Chat(page).Locator("h2")).ToHaveTextAsync("Northwind Help");
        await page.GetByRole(AriaRole.Button, new() { Name = "Talk to a human" }).ClickAsync();
        var button = page.GetByRole(AriaRole.Button, new() { Name = "Request a call back" });
        await Assertions.Expect(button).ToBeVisibleAsync();

        var contrast = await button.EvaluateAsync<JsonElement>(ButtonContrast);
        var text = contrast.GetProperty("text").GetDouble();
        var edge = contrast.GetProperty("edge").GetDouble();
        await Chromium.ScreenshotAsync(page, $"widget-call-back-{theme}");
        Assert.True(text >= 4.5, $"{theme}: the button's text contrast is {text:0.00} ({contrast})");
        Assert.True(edge >= 3, $"{theme}: the button stands out from the panel by {edge:0.00} only ({contrast})");
        // The links around it ("Cancel", "Talk to a human") read on the panel too.
        foreach (var name in new[] { "Cancel", "Talk to a human" })
        {
            var link = await page.GetByRole(AriaRole.Button, new() { Name = name }).EvaluateAsync<JsonElement>(ButtonContrast);
            Assert.True(link.GetProperty("text").GetDouble() >= 4.5, $"{theme}: \"{name}\" has a text contrast of {link.GetProperty("text").GetDouble():0.00} ({link})");
        }
    }
}
