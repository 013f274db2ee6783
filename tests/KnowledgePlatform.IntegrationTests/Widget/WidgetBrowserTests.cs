// Over 300 lines: the visitor's journeys through the widget share one platform fixture and its helpers.
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.Playwright;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Widget;

/// <summary>The chat widget in Chromium on the demo site, served from another origin than the platform.</summary>
public sealed class WidgetBrowserTests(Chromium chromium, WidgetFixture platform) : IClassFixture<WidgetFixture>
{
    // Answered in two sentences: with the tenant's redaction rules the answer streams sentence by sentence.
    private const string Question = "How many days do I have to return a product, and what about holiday purchases?";

    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private async Task<IPage> OpenAsync(string url, BrowserNewContextOptions? options = null)
    {
        var context = await chromium.NewContextAsync(options);
        var page = await context.NewPageAsync();
        await page.GotoAsync(url);
        await page.GetByRole(AriaRole.Button, new() { Name = "Open chat" }).ClickAsync();
        return page;
    }

    /// <summary>
    /// Types and sends the question, and waits until the visitor's own message shows: a question typed while the widget
    /// is still rendering its settings can be lost with the re-render, and is typed again (never sent twice).
    /// </summary>
    private static async Task AskAsync(IPage page, string question)
    {
        var mine = page.Locator("kp-chat .msg.user");
        var before = await mine.CountAsync();
        for (var attempt = 1; ; attempt++)
        {
            await page.GetByLabel("Type your question").FillAsync(question);
            await page.GetByLabel("Type your question").PressAsync("Enter");
            try
            {
                await mine.Nth(before).WaitForAsync(new() { Timeout = 10_000 });
                return;
            }
            catch (System.TimeoutException) when (attempt < 3)
            {
                if (await mine.CountAsync() > before) return;
            }
        }
    }

    private static ILocator Answers(IPage page) => page.Locator("kp-chat .msg.bot[data-status]");

    [Fact]
    public async Task A_visitor_asks_sees_a_streamed_cited_answer_gives_feedback_and_asks_for_a_person()
    {
        var page = await OpenAsync(platform.Site.Origin + "/index.html");
        Assert.True(await page.GetByLabel("Type your question").EvaluateAsync<bool>("e => e === e.getRootNode().activeElement"), "opening the panel focuses the input");
        // Every text the answer bubble shows while it arrives.
        await page.EvaluateAsync("""
            () => {
              const root = document.querySelector('kp-chat').shadowRoot;
              window.__kpTexts = [];
              new MutationObserver(() => {
                const t = root.querySelectorAll('.msg.bot .text');
                const last = t[t.length - 1];
                if (last && window.__kpTexts[window.__kpTexts.length - 1] !== last.textContent) window.__kpTexts.push(last.textContent);
              }).observe(root, { subtree: true, childList: true, characterData: true });
            }
            """);
        // A slow line, so the panel can be seen filling in: the page reads the answer's stream in pieces of 48 bytes, 15 ms
        // apart (the server's events may all reach the browser in one read on loopback, throttled or not).
        await page.EvaluateAsync("""
            () => {
              const original = window.fetch;
              window.fetch = async (...args) => {
                const response = await original(...args);
                if (!String(args[0]).endsWith('/ask') || !response.body) return response;
                const reader = response.body.getReader();
                const decoder = new TextDecoder();
                window.__kpStream = '';
                const slow = new ReadableStream({
                  async pull(controller) {
                    const { done, value } = await reader.read();
                    if (done) { controller.close(); return; }
                    window.__kpStream += decoder.decode(value, { stream: true });
                    for (let i = 0; i < value.length; i += 48) {
                      controller.enqueue(value.slice(i, i + 48));
                      await new Promise(r => setTimeout(r, 15));
                    }
                  }
                });
                return new Response(slow, { status: response.status, statusText: response.statusText, headers: response.headers });
              };
            }
            """);
        var ask = page.WaitForResponseAsync(r => r.Url.EndsWith("/ask", StringComparison.Ordinal));
        await AskAsync(page, Question);
        var response = await ask;
        Assert.StartsWith("text/event-stream", response.Headers["content-type"], StringComparison.Ordinal);

        var answer = Answers(page).Last;
        await Assertions.Expect(answer).ToContainTextAsync("31 January", new() { Timeout = 30_000 });
        var final = (await answer.Locator(".text").TextContentAsync())!;
        var texts = await page.EvaluateAsync<string[]>("() => window.__kpTexts");
        // The server streams too: the answer came as several delta events, not one.
        var stream = await page.EvaluateAsync<string>("() => window.__kpStream");
        Assert.True(System.Text.RegularExpressions.Regex.Count(stream, "^event: delta", System.Text.RegularExpressions.RegexOptions.Multiline) > 1, stream);
        Assert.Contains(texts, t => t.Length > 0 && t.Length < final.Length && final.StartsWith(t, StringComparison.Ordinal));

        // Sources: collapsed, then expanded.
        var sources = answer.Locator("details.sources");
        Assert.False(await sources.EvaluateAsync<bool>("d => d.open"));
        await sources.Locator("summary").ClickAsync();
        await Assertions.Expect(sources.Locator("li").First).ToContainTextAsync("Returns");
        await Chromium.ScreenshotAsync(page, "widget-answer-with-sources");

        // Feedback with a comment, stored for the tenant. The thumbs are drawn (SVG), not emoji a page may lack the font for.
        Assert.Equal(2, await answer.Locator(".fb button svg").CountAsync());
        Assert.DoesNotContain("👍", await answer.InnerTextAsync());
        await answer.GetByRole(AriaRole.Button, new() { Name = "Not helpful" }).ClickAsync();
        await answer.GetByLabel("Tell us more (optional)").FillAsync("I wanted the refund time too.");
        await answer.GetByRole(AriaRole.Button, new() { Name = "Send feedback" }).ClickAsync();
        await Assertions.Expect(answer).ToContainTextAsync("Thanks for your feedback.");
        var feedback = await platform.Admin.GetFromJsonAsync<JsonElement>("/api/v1/feedback", _ct);
        var mine = feedback.EnumerateArray().First(f => f.GetProperty("comment").GetString() == "I wanted the refund time too.");
        Assert.Equal("down", mine.GetProperty("rating").GetString());
        Assert.Equal("widget", mine.GetProperty("channel").GetString());
        var conversationId = mine.GetProperty("conversationId").GetString();
        Assert.StartsWith("conv_", conversationId, StringComparison.Ordinal);

        // Handoff: recorded with the conversation, and the tenant's webhook called.
        await page.GetByRole(AriaRole.Button, new() { Name = "Talk to a human" }).ClickAsync();
        await page.GetByLabel("Email or phone (optional)").FillAsync("sam@example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Request a call back" }).ClickAsync();
        await Assertions.Expect(page.Locator("kp-chat .note[role=status]")).ToContainTextAsync("passed to our team; a person will get back to you");
        var hook = await WaitForWebhookAsync(conversationId!);
        Assert.Equal("handoff.requested", hook.GetProperty("event").GetString());
        Assert.Equal(Question, hook.GetProperty("transcript")[0].GetProperty("question").GetString());
        Assert.Equal("sam@example.com", hook.GetProperty("contact").GetString());
        await Chromium.ScreenshotAsync(page, "widget-handoff");

        // The conversation survives a page load (session storage), here a move to another page of the site.
        await page.GotoAsync(platform.Site.Origin + "/products.html");
        await Assertions.Expect(Answers(page).First).ToContainTextAsync("30 days");
    }

    private async Task<JsonElement> WaitForWebhookAsync(string conversationId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            var hit = platform.Site.Webhooks.FirstOrDefault(w => w.GetProperty("conversationId").GetString() == conversationId);
            if (hit.ValueKind != JsonValueKind.Undefined) return hit;
            await Task.Delay(100, _ct);
        }
        throw new TimeoutException("The handoff webhook was not called.");
    }

    [Fact]
    public async Task A_follow_up_without_a_generative_model_is_answered_from_the_page_the_conversation_is_about()
    {
        var page = await OpenAsync(platform.Site.Origin + "/index.html");

        await AskAsync(page, "How many days do I have to return a product?");
        await Answers(page).Nth(0).WaitForAsync(new() { Timeout = 60_000 });
        await AskAsync(page, "and for holiday purchases?");
        await Answers(page).Nth(1).WaitForAsync(new() { Timeout = 60_000 });

        var first = await Answers(page).Nth(0).InnerTextAsync();
        var followUp = await Answers(page).Nth(1).InnerTextAsync();
        Assert.Equal("answered", await Answers(page).Nth(1).GetAttributeAsync("data-status"));
        Assert.Contains("30 days", first, StringComparison.Ordinal);
        Assert.Contains("31 January", followUp, StringComparison.Ordinal);
        Assert.Equal(1, await Answers(page).Nth(1).Locator(".sources").CountAsync());
        // A visitor gets the answer and its sources, not a note about how the platform is configured.
        Assert.DoesNotContain("generative model", first + followUp, StringComparison.OrdinalIgnoreCase);
        await Chromium.ScreenshotAsync(page, "widget-follow-up-without-a-model");
    }

    [Fact]
    public async Task A_question_asked_before_the_widgets_settings_arrive_waits_for_them_and_is_answered()
    {
        // The page names no knowledge base: the key's stored settings do, and they come slowly.
        var url = platform.AddWidgetPage(platform.Site, "slow-settings.html", platform.WidgetKey);
        var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        var settingsSent = new TaskCompletionSource();
        await page.RouteAsync("**/api/v1/widget/config", async route =>
        {
            await settingsSent.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await route.ContinueAsync();
        });
        await page.GotoAsync(url);
        await page.GetByRole(AriaRole.Button, new() { Name = "Open chat" }).ClickAsync();
        await page.GetByLabel("Type your question").FillAsync(Question);
        await page.GetByLabel("Type your question").PressAsync("Enter");
        await Assertions.Expect(page.Locator("kp-chat .msg.user")).ToHaveCountAsync(1);

        settingsSent.SetResult();

        await Assertions.Expect(Answers(page)).ToContainTextAsync("31 January", new() { Timeout = 30_000 });
        Assert.Equal(1, await page.Locator("kp-chat .msg.user").CountAsync());
        Assert.Equal(0, await page.Locator("kp-chat .error").CountAsync());
    }

    [Fact]
    public async Task The_widget_on_a_site_the_key_does_not_allow_is_refused()
    {
        var page = await OpenAsync(platform.Elsewhere.Origin + "/index.html");

        await Assertions.Expect(page.Locator("kp-chat .error")).ToContainTextAsync("not available on this site");
        await Assertions.Expect(page.GetByLabel("Type your question")).ToBeDisabledAsync();
        await Chromium.ScreenshotAsync(page, "widget-refused-origin");

        // What the browser hides: the server refused the key from this origin.
        using var client = platform.Host.Client(platform.WidgetKey);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/widget/config");
        request.Headers.Add("Origin", platform.Elsewhere.Origin);
        using var refused = await client.SendAsync(request, _ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task The_host_pages_css_does_not_reach_the_panel()
    {
        var script = $"""<script src="{platform.Platform}/widget.js" data-key="{platform.WidgetKey}" async></script>""";
        platform.Site.AddPage("hostile.html", $$"""
            <!doctype html><html><head><style>
              * { color: rgb(255, 0, 0) !important; font-family: serif !important; letter-spacing: 9px !important; text-transform: uppercase !important; }
              button { background: rgb(0, 255, 0) !important; border: 6px dashed red !important; padding: 40px !important; }
              div, section, h2, input { margin: 30px !important; display: block; font-size: 40px !important; }
            </style></head><body><p id="own">The page's own text</p>{{script}}</body></html>
            """);
        var page = await OpenAsync(platform.Site.Origin + "/hostile.html");
        await Assertions.Expect(page.Locator("kp-chat h2")).ToHaveTextAsync("Northwind Help");

        Assert.Equal("rgb(255, 0, 0)", await page.Locator("#own").EvaluateAsync<string>("e => getComputedStyle(e).color"));
        var title = await Style(page.Locator("kp-chat h2"), "color", "fontFamily", "letterSpacing", "textTransform", "fontSize", "marginTop");
        Assert.Equal("rgb(255, 255, 255)", title["color"]);
        Assert.StartsWith("system-ui", title["fontFamily"], StringComparison.Ordinal);
        Assert.Equal("normal", title["letterSpacing"]);
        Assert.Equal("none", title["textTransform"]);
        Assert.Equal("16px", title["fontSize"]);
        Assert.Equal("0px", title["marginTop"]);
        var send = await Style(page.Locator("kp-chat form.ask button"), "backgroundColor", "paddingTop", "borderTopStyle");
        Assert.Equal("rgb(11, 92, 173)", send["backgroundColor"]);
        Assert.Equal("9px", send["paddingTop"]);
        Assert.NotEqual("dashed", send["borderTopStyle"]);
        await Chromium.ScreenshotAsync(page, "widget-under-hostile-css");

        static async Task<Dictionary<string, string>> Style(ILocator element, params string[] properties) =>
            await element.EvaluateAsync<Dictionary<string, string>>(
                "(e, props) => Object.fromEntries(props.map(p => [p, getComputedStyle(e)[p]]))", properties);
    }

    [Fact]
    public async Task Rate_limiting_and_a_dropped_connection_show_a_friendly_retry_message()
    {
        var page = await OpenAsync(platform.Site.Origin + "/index.html", new() { ViewportSize = new() { Width = 390, Height = 800 }, IsMobile = true, HasTouch = true });
        var cors = new Dictionary<string, string> { ["Access-Control-Allow-Origin"] = platform.Site.Origin, ["Access-Control-Expose-Headers"] = "Retry-After" };
        await page.RouteAsync("**/ask", route => route.Request.Method == "POST"
            ? route.FulfillAsync(new() { Status = 429, Headers = new Dictionary<string, string>(cors) { ["Retry-After"] = "7" }, ContentType = "application/problem+json", Body = "{}" })
            : route.ContinueAsync());
        await AskAsync(page, Question);
        await Assertions.Expect(page.Locator("kp-chat .error")).ToContainTextAsync("try again in 7 seconds");
        await Chromium.ScreenshotAsync(page, "widget-mobile-rate-limited");

        await page.UnrouteAllAsync();
        await page.RouteAsync("**/ask", route => route.AbortAsync("connectionreset"));
        await page.Locator("kp-chat .error").GetByRole(AriaRole.Button, new() { Name = "Try again" }).ClickAsync();
        await Assertions.Expect(page.Locator("kp-chat .error")).ToContainTextAsync("connection was interrupted");

        await page.UnrouteAllAsync();
        await page.Locator("kp-chat .error").GetByRole(AriaRole.Button, new() { Name = "Try again" }).ClickAsync();
        await Assertions.Expect(Answers(page).Last).ToContainTextAsync("31 January", new() { Timeout = 30_000 });
        Assert.Equal(1, await page.Locator("kp-chat .msg.user").CountAsync());

        // Escape closes the panel and gives focus back to the launcher.
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.Locator("kp-chat .panel")).ToBeHiddenAsync();
        Assert.Equal("Open chat", await page.EvaluateAsync<string>("() => document.querySelector('kp-chat').shadowRoot.activeElement.getAttribute('aria-label')"));
    }

    [Fact]
    public async Task The_widget_script_is_under_60_kB_gzipped()
    {
        using var handler = new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None };
        using var client = new HttpClient(handler) { BaseAddress = platform.Host.ClientOptions.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/widget.js");
        request.Headers.AcceptEncoding.ParseAdd("gzip");
        using var response = await client.SendAsync(request, _ct);
        var gzipped = await response.Content.ReadAsByteArrayAsync(_ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gzip", response.Content.Headers.ContentEncoding.Single());
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        await using var unzip = new GZipStream(new MemoryStream(gzipped), CompressionMode.Decompress);
        using var plain = new StreamReader(unzip);
        Assert.Contains("attachShadow", await plain.ReadToEndAsync(_ct), StringComparison.Ordinal);
        Assert.True(gzipped.Length < 60 * 1024, $"widget.js is {gzipped.Length} bytes gzipped; the limit is 61440");
        TestContext.Current.SendDiagnosticMessage($"widget.js: {gzipped.Length} bytes gzipped");
    }
}
