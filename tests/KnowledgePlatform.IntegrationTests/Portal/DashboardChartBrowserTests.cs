using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Support;
using KnowledgePlatform.Server.Portal.Components;
using Microsoft.Playwright;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Portal;

/// <summary>
/// The dashboard's Plotly charts really draw in Chromium: plotly.js comes from this server (the basic bundle,
/// never a CDN), the bars and the donut are in the page, and each chart says its figures to a screen reader.
/// </summary>
public sealed class DashboardChartBrowserTests(SqlitePlatform platform, Chromium chromium) : PlatformTest(platform), IClassFixture<SqlitePlatform>
{
    protected override string KnowledgeBase => "handbook";

    private string Curator => Email("curator");

    private static async Task<string> AskAsync(HttpClient api, string question, CancellationToken ct)
    {
        using var response = await api.PostAsJsonAsync("/api/v1/knowledge-bases/handbook/ask", new { question }, ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(PlatformHost.Json, ct)).GetProperty("status").GetString()!;
    }

    private static Task<float> ChartWidthAsync(ILocator chart) =>
        chart.Locator(".main-svg").First.EvaluateAsync<float>("svg => svg.getBoundingClientRect().width");

    [Fact]
    public async Task The_dashboard_draws_questions_per_day_and_documents_by_status_with_the_locally_served_plotly()
    {
        var ct = TestContext.Current.CancellationToken;
        var host = Host;
        await PortalSession.CreateUserAsync(host, Tenant.Key, Curator, "curator", ct);
        var api = Admin;
        await PlatformHost.IngestAsync(api, "handbook", "first-aid.md",
            "# First aid\n\nThe defibrillator is kept at the main reception desk, next to the first-aid kit.\n", ct);
        string[] statuses = [await AskAsync(api, "Where is the defibrillator kept?", ct), await AskAsync(api, "What does parking on level three cost?", ct)];
        var answered = statuses.Count(s => s == "answered");
        foreach (var rating in new[] { "up", "down", "down" })
            (await api.PostAsJsonAsync("/api/v1/feedback", new { rating }, ct)).EnsureSuccessStatusCode();

        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        var scripts = new List<(string Url, int Status)>();
        page.Response += (_, response) =>
        {
            if (response.Request.ResourceType == "script") scripts.Add((response.Url, response.Status));
        };
        using var plain = host.Client();
        await page.GotoAsync(new Uri(plain.BaseAddress!, "/portal").ToString());
        await page.WaitForURLAsync("**/portal/login**");
        await page.GetByLabel("E-mail").FillAsync(Curator);
        await page.GetByLabel("Password").FillAsync(PortalSession.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        // Questions per day: two stacked bar series drawn by plotly.js, described in one sentence.
        var activity = page.Locator("[data-testid=activity-chart]");
        await activity.Locator(".js-plotly-plot .main-svg").First.WaitForAsync();
        await activity.Locator(".trace.bars path:visible").First.WaitForAsync();
        Assert.Equal(2, await activity.Locator(".barlayer .trace.bars").CountAsync());
        Assert.Equal($"Questions per day over the last 7 days: {answered} answered and {2 - answered} not found. Busiest day: "
            + $"{DashboardCharts.DayLabel(DateOnly.FromDateTime(DateTime.UtcNow))} with 2 questions.", await activity.GetByRole(AriaRole.Img).GetAttributeAsync("aria-label"));
        Assert.Equal(7, await activity.Locator("details tbody tr").CountAsync());

        // Documents by status: a donut with one slice (the one ready document).
        var status = page.Locator("[data-testid=status-chart]");
        await status.Locator(".pielayer .slice path:visible").First.WaitForAsync();
        Assert.Equal(1, await status.Locator(".pielayer .slice").CountAsync());
        Assert.Equal("Documents by status: 1 ready.", await status.GetByRole(AriaRole.Img).GetAttributeAsync("aria-label"));

        // Visitor feedback: a bar each for helpful and not helpful.
        var feedback = page.Locator("[data-testid=feedback-chart]");
        await feedback.Locator(".trace.bars path:visible").First.WaitForAsync();
        Assert.Equal(2, await feedback.Locator(".trace.bars .point").CountAsync());
        Assert.Equal("Visitor feedback: 1 helpful and 2 not helpful.", await feedback.GetByRole(AriaRole.Img).GetAttributeAsync("aria-label"));
        await Chromium.ScreenshotAsync(page, "portal-dashboard-charts");

        // No mode bar, no logo; the numbers open as a table from the keyboard.
        Assert.Equal(0, await page.Locator(".modebar-container .modebar-btn").CountAsync());
        Assert.Equal(0, await page.Locator(".js-plotly-plot a[href*='plotly.com']").CountAsync());
        await Assertions.Expect(activity.Locator("details table")).ToBeHiddenAsync();
        await activity.Locator("details summary").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(activity.Locator("details table")).ToBeVisibleAsync();

        // The charts follow the window down to a small laptop's width.
        var wide = await ChartWidthAsync(activity);
        await page.SetViewportSizeAsync(1024, 768);
        await Assertions.Expect(activity.GetByRole(AriaRole.Img)).ToBeVisibleAsync();
        var narrow = wide;
        for (var i = 0; i < 100 && narrow >= wide; i++)
        {
            await Task.Delay(100, ct);
            narrow = await ChartWidthAsync(activity);
        }
        Assert.True(narrow < wide, $"The questions-per-day chart stayed {narrow}px wide in a narrower window.");

        // The 30-day period redraws the bars with a day each.
        await page.GetByRole(AriaRole.Button, new() { Name = "30 days" }).ClickAsync();
        await Assertions.Expect(activity.GetByRole(AriaRole.Img)).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex("last 30 days"));
        await activity.Locator(".js-plotly-plot .main-svg").First.WaitForAsync();
        Assert.Equal(30, await activity.Locator("details tbody tr").CountAsync());

        // plotly.js came from this server, as the basic bundle; nothing was fetched from anywhere else.
        var origin = plain.BaseAddress!.GetLeftPart(UriPartial.Authority);
        Assert.Contains(scripts, s => s.Url == origin + "/_content/Plotly.Blazor/plotly-basic-3.7.0.min.js" && s.Status == 200);
        Assert.DoesNotContain(scripts, s => s.Url.Contains("/plotly-3.7.0.min.js", StringComparison.Ordinal));
        Assert.All(scripts, s => Assert.StartsWith(origin + "/", s.Url, StringComparison.Ordinal));
    }
}
