using Microsoft.Playwright;
using Xunit;

[assembly: AssemblyFixture(typeof(KnowledgePlatform.IntegrationTests.Support.Chromium))]

namespace KnowledgePlatform.IntegrationTests.Support;

/// <summary>
/// Debian's Chromium driven by Microsoft.Playwright, one browser for the whole test run (each test opens
/// its own context). The browser is never downloaded: it is the machine's /usr/bin/chromium (or
/// $KP_CHROMIUM). Without it the browser tests skip with the reason, or fail when CI=true.
/// Screenshots go to $KP_SCREENSHOTS or TestResults/screenshots next to the test assembly.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    private static readonly string[] Args =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>Why the browser is not there, or null when it runs.</summary>
    public string? Unavailable { get; private set; }

    public static string ScreenshotFolder { get; } = Environment.GetEnvironmentVariable("KP_SCREENSHOTS")
        ?? Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    public async ValueTask InitializeAsync()
    {
        var path = Environment.GetEnvironmentVariable("KP_CHROMIUM") ?? "/usr/bin/chromium";
        if (!File.Exists(path))
        {
            Unavailable = $"Chromium was not found at {path}; install it with `apt-get install -y chromium` (or set KP_CHROMIUM).";
            return;
        }
        try
        {
            _playwright = await Playwright.CreateAsync();
            _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = path, Headless = true, Args = Args });
        }
        catch (PlaywrightException ex)
        {
            Unavailable = $"Chromium did not start: {ex.Message}";
        }
    }

    /// <summary>A fresh browser context (own cookies and storage); skips the test, or fails it in CI, without a browser.</summary>
    public async Task<IBrowserContext> NewContextAsync(BrowserNewContextOptions? options = null)
    {
        if (Unavailable is not null)
        {
            if (PostgresServer.InCi) throw new InvalidOperationException($"Chromium is required in CI. {Unavailable}");
            Assert.Skip($"skipped: no browser. {Unavailable}");
        }
        return await _browser!.NewContextAsync(options ?? new() { ViewportSize = new() { Width = 1366, Height = 800 } });
    }

    /// <summary>Saves a full-page screenshot named after what it shows.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = true });
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
    }
}
