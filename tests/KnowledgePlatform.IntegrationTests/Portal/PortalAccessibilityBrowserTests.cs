using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.Playwright;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Portal;

/// <summary>
/// The portal's quality bar, checked on every page in Chromium at a laptop's size: nothing scrolls sideways,
/// every control a keyboard reaches has a name a screen reader can say, focus starts at the page's heading and is
/// always visible, a skip link leads past the navigation, and a curator can sign in, move between pages and ask
/// with the keyboard alone.
/// </summary>
public sealed class PortalAccessibilityBrowserTests(SqlitePlatform platform, Chromium chromium) : PlatformTest(platform), IClassFixture<SqlitePlatform>
{
    private const string PlatformKey = "kp_platform_admin_key_for_accessibility_tests_0123";
    private string _documentId = "";
    private string _pdfId = "";

    protected override string KnowledgeBase => "handbook";

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Platform:AdminKey"] = PlatformKey };

    private string KeyboardUser => Email("keyboard");

    private string PlatformEmail => Email("operator");

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var ct = Ct;
        await PortalSession.CreateUserAsync(Host, Tenant.Key, KeyboardUser, "tenant-admin", ct);
        await PortalSession.CreateUserAsync(Host, PlatformKey, PlatformEmail, "platform-admin", ct);
        var api = Admin;
        var document = await PlatformHost.IngestAsync(api, "handbook", "hours.md", "# Opening hours\n\nThe office opens at nine in the morning.", ct);
        _documentId = document.GetProperty("id").GetString()!;
        _pdfId = (await PlatformHost.IngestAsync(api, "handbook", "guideline.pdf", TestFiles.GuidelinePdf(), ct)).GetProperty("id").GetString()!;
    }

    /// <summary>One page's checks: no sideways scroll, named controls, toggles, focus on the heading, a working skip link.</summary>
    private async Task CheckPageAsync(IPage page, string path, List<string> problems)
    {
        await page.GotoAsync(Host.Url(path));
        await page.Locator("main h1").First.WaitForAsync();
        await page.WaitForFunctionAsync("() => !document.querySelector('.spinner-border')");
        if (await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth + 1"))
            problems.Add($"{path}: scrolls sideways at 1280 px");
        foreach (var control in (await page.EvaluateAsync<JsonElement>(UnnamedControls)).EnumerateArray())
            problems.Add($"{path}: no accessible name: {control.GetString()}");
        // A toggle says whether it is pressed: "true" or "false", never an empty attribute.
        foreach (var toggle in (await page.EvaluateAsync<JsonElement>("() => [...document.querySelectorAll('[aria-pressed]')].filter(e => !['true', 'false', 'mixed'].includes(e.getAttribute('aria-pressed'))).map(e => e.outerHTML.slice(0, 120))")).EnumerateArray())
            problems.Add($"{path}: aria-pressed is not true or false: {toggle.GetString()}");

        // Keyboard users start at the content: the page's heading has focus after navigation.
        if (!await HeadingTakesFocusAsync(page))
            problems.Add($"{path}: focus is not on the page heading after navigation");
        else if (await page.EvaluateAsync<bool>(FocusVisible))
            problems.Add($"{path}: the heading that took focus is framed like a control");
        // The skip link, once focused, is visible and moves focus past the navigation to the page; it never leads to another page.
        if (!await page.EvaluateAsync<bool>("() => { const to = new URL(document.querySelector('[data-testid=skip-link]').href); return to.pathname + to.search === location.pathname + location.search; }"))
            problems.Add($"{path}: the skip link leads to another page: {await page.Locator("[data-testid=skip-link]").GetAttributeAsync("href")}");
        await page.Locator("[data-testid=skip-link]").FocusAsync();
        if (!await page.EvaluateAsync<bool>(FocusVisible) || !await page.Locator("[data-testid=skip-link]").IsVisibleAsync())
            problems.Add($"{path}: the focused skip link is not visible");
        await page.Keyboard.PressAsync("Enter");
        try
        {
            // The focus moves after a round trip to the server.
            await page.WaitForFunctionAsync("() => document.activeElement.id === 'main'", null, new() { Timeout = 5_000 });
        }
        catch (TimeoutException)
        {
            problems.Add($"{path}: the skip link does not move focus to the page");
        }
    }

    /// <summary>
    /// Whether the page's heading gets focus after navigation. The router moves it there after the page's first render,
    /// a round trip that can land after the page's data on a busy machine; keys pressed before it would go to the
    /// heading instead of where the test put focus.
    /// </summary>
    private static async Task<bool> HeadingTakesFocusAsync(IPage page)
    {
        try
        {
            await page.WaitForFunctionAsync("() => document.activeElement.tagName === 'H1'", null, new() { Timeout = 5_000 });
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Visible controls a keyboard reaches that have no accessible name (label, aria-label, aria-labelledby, title or text).</summary>
    private const string UnnamedControls = """
        () => [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button, a[href], [tabindex]:not([tabindex="-1"])')]
          .filter(e => e.getClientRects().length > 0 && !e.disabled)
          .filter(e => {
            const labelled = e.getAttribute('aria-labelledby');
            const name = [
              e.getAttribute('aria-label'),
              e.labels ? [...e.labels].map(l => l.textContent).join(' ') : '',
              labelled ? labelled.split(' ').map(id => document.getElementById(id)?.textContent ?? '').join(' ') : '',
              e.getAttribute('title'),
              ['BUTTON', 'A'].includes(e.tagName) ? e.textContent : '',
              e.type === 'submit' ? e.value : '',
            ].join(' ').trim();
            return name.length === 0;
          })
          .map(e => e.outerHTML.slice(0, 160))
        """;

    /// <summary>Whether the focused element shows a focus indicator (an outline or a focus ring shadow).</summary>
    private const string FocusVisible = """
        () => {
          const s = getComputedStyle(document.activeElement);
          return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || (s.boxShadow && s.boxShadow !== 'none');
        }
        """;

    [Fact]
    public async Task Every_page_fits_a_laptop_screen_names_every_control_and_can_be_used_with_the_keyboard()
    {
        await using var context = await chromium.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 720 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);

        // Sign in with the keyboard alone: the e-mail field has focus, Tab moves on, Enter submits.
        await page.GotoAsync(Host.Url("/portal/login"));
        await page.Keyboard.TypeAsync(KeyboardUser);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(PortalSession.Password);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(url => url.EndsWith("/portal", StringComparison.Ordinal), new() { WaitUntil = WaitUntilState.Commit });
        await page.Locator("[data-testid=asked]").WaitForAsync();

        var problems = new List<string>();
        string[] pages =
        [
            "/portal", "/portal/knowledge-bases", "/portal/knowledge-bases/handbook/documents", "/portal/knowledge-bases/handbook/sources", $"/portal/documents/{_documentId}/chunks",
            $"/portal/documents/{_documentId}/source?quote=opens%20at%20nine", $"/portal/documents/{_pdfId}/source?quote=maximum%20daily%20dose",
            "/portal/playground", "/portal/chat", "/portal/policy", "/portal/api-keys", "/portal/widget", "/portal/inbox", "/portal/conversations", "/portal/cds-hooks", "/portal/users", "/portal/audit",
        ];
        foreach (var path in pages) await CheckPageAsync(page, path, problems);

        // The platform admin's pages, signed in as one.
        await using (var platform = await chromium.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 720 } }))
        {
            await CheckPageAsync(await PortalSession.SignInInBrowserAsync(platform, Host, PlatformEmail), "/portal/tenants", problems);
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));

        // From the top of the dashboard, Tab through the navigation to "Chat test" (every stop visibly focused) and open it with Enter.
        await page.GotoAsync(Host.Url("/portal"));
        await page.Locator("[data-testid=asked]").WaitForAsync();
        Assert.True(await HeadingTakesFocusAsync(page), "focus is not on the dashboard's heading");
        await page.Locator("[data-testid=skip-link]").FocusAsync();
        for (var stop = 0; stop < 20 && await page.EvaluateAsync<string>("() => document.activeElement.textContent.trim()") != "Chat test"; stop++)
        {
            await page.Keyboard.PressAsync("Tab");
            Assert.True(await page.EvaluateAsync<bool>(FocusVisible), $"no focus indicator on {await page.EvaluateAsync<string>("() => document.activeElement.outerHTML.slice(0, 120)")}");
        }
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/portal/chat");

        // Ask with the keyboard: the question field, Enter, and the answer is announced in a live region.
        Assert.True(await HeadingTakesFocusAsync(page), "focus is not on the chat test's heading");
        await page.Locator("[data-testid=question]").FocusAsync();
        await page.Keyboard.TypeAsync("When does the office open?");
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("[data-testid=turn]").First.WaitForAsync();
        var answer = page.Locator("[data-testid=turn] [data-testid=answer][aria-live=polite]").First;
        await page.Locator("[data-testid=turn] [data-testid=status]").First.WaitForAsync(new() { Timeout = 60_000 });
        Assert.Contains("nine", await answer.InnerTextAsync());
        await Chromium.ScreenshotAsync(page, "portal-keyboard-chat");
    }
}
