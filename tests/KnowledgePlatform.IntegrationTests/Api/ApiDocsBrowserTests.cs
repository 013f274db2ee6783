using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.Playwright;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Api;

/// <summary>
/// The rendered API docs (/docs) and the OpenAPI document behind them: every operation says which credentials it takes
/// and which errors it answers, the introduction explains authentication, errors and versioning, portal routes stay out,
/// and the page loads nothing from outside the server (it must work on an offline server).
/// </summary>
public sealed class ApiDocsBrowserTests(SqlitePlatform platform, Chromium chromium) : PlatformTest(platform), IClassFixture<SqlitePlatform>
{
    protected override string? TenantName => null;

    [Fact]
    public async Task Every_operation_declares_its_credentials_and_at_least_one_error_answer()
    {
        var ct = TestContext.Current.CancellationToken;
        using var anonymous = Host.Client();
        using var document = JsonDocument.Parse(await anonymous.GetStringAsync("/openapi/v1.json", ct));
        var root = document.RootElement;

        var schemes = root.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("X-Api-Key", schemes.GetProperty("ApiKey").GetProperty("name").GetString());
        Assert.Equal("bearer", schemes.GetProperty("Bearer").GetProperty("scheme").GetString());
        Assert.Contains("Versioning", root.GetProperty("info").GetProperty("description").GetString());

        var operations = root.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => (Name: $"{op.Name.ToUpperInvariant()} {path.Name}", Operation: op.Value))).ToList();
        Assert.True(operations.Count > 50, $"only {operations.Count} operations documented");
        Assert.DoesNotContain(operations, o => o.Name.Contains("/portal", StringComparison.Ordinal));
        Assert.All(operations, o =>
        {
            Assert.True(o.Operation.TryGetProperty("security", out var security), $"{o.Name} declares no security requirement");
            Assert.True(security.GetArrayLength() > 0, $"{o.Name} has an empty security list");
            Assert.Contains(o.Operation.GetProperty("responses").EnumerateObject(), r => r.Name[0] is '4' or '5');
        });
        var ask = operations.Single(o => o.Name == "POST /api/v1/knowledge-bases/{kb}/ask").Operation;
        Assert.Contains(ask.GetProperty("security").EnumerateArray(), r => r.TryGetProperty("ApiKey", out _));
        Assert.True(ask.GetProperty("responses").TryGetProperty("401", out _));
    }

    [Fact]
    public async Task The_rendered_docs_explain_the_api_key_and_load_nothing_from_outside_the_server()
    {
        using var anonymous = Host.Client();
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        var outside = new List<string>();
        page.Request += (_, request) =>
        {
            var url = new Uri(request.Url);
            if (url.Scheme is "http" or "https" && !url.IsLoopback) outside.Add(request.Url);
        };

        await page.GotoAsync(new Uri(anonymous.BaseAddress!, "/docs").ToString());
        // Scalar renders the introduction from the OpenAPI document after loading it: on a busy machine that takes
        // longer than an assertion's default five seconds, so it gets the page's own timeout.
        await Assertions.Expect(page.GetByText("Versioning").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Chromium.ScreenshotAsync(page, "api-docs");

        Assert.Empty(outside);
        Assert.Contains("X-Api-Key", await page.ContentAsync());
    }
}
