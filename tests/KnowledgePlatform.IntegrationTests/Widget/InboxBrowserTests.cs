using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Portal;
using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.Playwright;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Widget;

/// <summary>
/// The curator's inbox in Chromium, fed by real visitors of a site: the tenant "contoso" has no handoff webhook, so its
/// visitors' requests for a person only reach the inbox; its unanswered questions are grouped there and resolved by a Q&A.
/// </summary>
public sealed class InboxBrowserTests(Chromium chromium, WidgetFixture platform) : IClassFixture<WidgetFixture>
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private async Task<JsonElement> VisitorAsksAsync(string question)
    {
        using var visitor = platform.Host.Client(platform.QuietWidgetKey);
        visitor.DefaultRequestHeaders.Add("Origin", platform.Site.Origin);
        using var asked = await visitor.PostAsJsonAsync("/api/v1/knowledge-bases/help/ask", new { question }, _ct);
        asked.EnsureSuccessStatusCode();
        return await asked.Content.ReadFromJsonAsync<JsonElement>(_ct);
    }

    [Fact]
    public async Task A_visitors_handoff_with_no_webhook_configured_appears_in_the_inbox_and_the_visitor_is_told_so()
    {
        var url = platform.AddWidgetPage(platform.Site, "contoso.html", platform.QuietWidgetKey);
        await using var context = await chromium.NewContextAsync();
        var visitor = await context.NewPageAsync();
        visitor.SetDefaultTimeout(30_000);
        await visitor.GotoAsync(url);
        await visitor.GetByRole(AriaRole.Button, new() { Name = "Open chat" }).ClickAsync();
        const string question = "How long is the warranty on a laptop?";
        // The visitor's own message shows first (retyped if the widget was not ready), then the answer.
        var input = visitor.GetByLabel("Type your question");
        for (var attempt = 0; attempt < 3 && await visitor.Locator("kp-chat .msg.user").CountAsync() == 0; attempt++)
        {
            await input.FillAsync(question);
            await input.PressAsync("Enter");
            try { await visitor.Locator("kp-chat .msg.user").First.WaitForAsync(new() { Timeout = 5_000 }); } catch (TimeoutException) { }
        }
        await visitor.Locator("kp-chat .msg.bot[data-status]").First.WaitForAsync(new() { Timeout = 60_000 });
        await visitor.GetByRole(AriaRole.Button, new() { Name = "Talk to a human" }).ClickAsync();
        await visitor.GetByLabel("Email or phone (optional)").FillAsync("kim@example.com");
        await visitor.GetByLabel("Message (optional)").FillAsync("Please call me about my laptop's warranty.");
        await visitor.GetByRole(AriaRole.Button, new() { Name = "Request a call back" }).ClickAsync();
        // No webhook: the visitor is not promised a call, they are told the request is saved for the team.
        var note = visitor.Locator("kp-chat .note[role=status]");
        await Assertions.Expect(note).ToContainTextAsync("saved for our team");
        Assert.DoesNotContain("passed to our team", await note.InnerTextAsync());
        await Chromium.ScreenshotAsync(visitor, "widget-handoff-without-webhook");

        var page = await PortalSession.SignInInBrowserAsync(context, platform.Host, WidgetFixture.QuietLeadEmail);
        await page.GetByRole(AriaRole.Link, new() { Name = "Inbox" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("no-webhook")).ToContainTextAsync("nobody is notified");
        var item = page.Locator("[data-testid=inbox-item][data-kind=handoff]", new() { HasText = "Please call me about my laptop's warranty." });
        await Assertions.Expect(item.GetByTestId("delivery")).ToHaveTextAsync("no webhook");
        await item.GetByRole(AriaRole.Button).ClickAsync();
        var detail = page.GetByTestId("inbox-detail");
        await Assertions.Expect(detail.GetByTestId("handoff")).ToContainTextAsync("kim@example.com");
        await Assertions.Expect(detail.GetByTestId("transcript-turn").First).ToContainTextAsync(question);

        // Taken and closed.
        await detail.GetByLabel("Assignee").SelectOptionAsync(new SelectOptionValue { Label = $"Me ({WidgetFixture.QuietLeadEmail})" });
        await Assertions.Expect(item).ToContainTextAsync(WidgetFixture.QuietLeadEmail);
        await Chromium.ScreenshotAsync(page, "portal-inbox-handoff");
        await detail.GetByLabel("Status").SelectOptionAsync("Done");
        await Assertions.Expect(item).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_curator_resolves_unanswered_questions_grouped_by_meaning_with_a_qa_entry_and_sees_the_new_answer()
    {
        foreach (var question in new[] { "Can I buy an extended warranty for five years?", "Do you sell a 5-year extended warranty plan?", "Who won the football world cup in 1998?" })
            Assert.Equal("insufficient_evidence", (await VisitorAsksAsync(question)).GetProperty("status").GetString());

        await using var context = await chromium.NewContextAsync();
        var page = await PortalSession.SignInInBrowserAsync(context, platform.Host, WidgetFixture.QuietLeadEmail);
        await page.GotoAsync(platform.Host.Url("/portal/inbox?kind=unanswered"));
        // The two wordings are one item, asked twice; the football question, nowhere near the knowledge base, is set apart as off-topic.
        var extended = page.Locator("[data-testid=inbox-item]", new() { HasText = "extended warranty" });
        await Assertions.Expect(extended).ToHaveCountAsync(1);
        await Assertions.Expect(extended.GetByTestId("count")).ToHaveTextAsync("× 2");
        await Assertions.Expect(page.Locator("[data-testid=inbox-item]", new() { HasText = "football" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("off-topic-hidden")).ToContainTextAsync("1 off-topic");
        await Chromium.ScreenshotAsync(page, "portal-inbox-unanswered");

        await extended.GetByRole(AriaRole.Button).ClickAsync();
        var detail = page.GetByTestId("inbox-detail");
        await Assertions.Expect(detail.GetByTestId("examples")).ToContainTextAsync("5-year extended warranty plan");
        // Why it was not answered: the gate's threshold and the closest passages now, to tell a careful gate from missing content.
        await Assertions.Expect(detail.GetByTestId("why-not-found").GetByTestId("gate-verdict")).ToContainTextAsync("evidence gate answers from confidence");
        await Assertions.Expect(detail.GetByTestId("why-not-found").Locator("[data-testid=closest-passages] a").First).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("^/portal/documents/.+/source\\?chunk="));
        var form = detail.GetByTestId("qa-form");
        await form.GetByLabel("Answer").FillAsync("Yes: the Northwind Care plan extends the warranty to 5 years for 49 euros, bought within 60 days of delivery.");
        await form.GetByRole(AriaRole.Button, new() { Name = "Add and ask again" }).ClickAsync();
        var answer = detail.GetByTestId("new-answer");
        await Assertions.Expect(answer.GetByTestId("new-answer-text")).ToContainTextAsync("Northwind Care", new() { Timeout = 120_000 });
        await Assertions.Expect(answer.GetByTestId("new-answer-status")).ToHaveTextAsync("answered");
        await Chromium.ScreenshotAsync(page, "portal-inbox-resolved-with-qa");
        // Done: out of the to-do list, and a visitor asking now gets the answer.
        await Assertions.Expect(extended).ToHaveCountAsync(0);
        var now = await VisitorAsksAsync("Can I buy an extended warranty for five years?");
        Assert.Equal("answered", now.GetProperty("status").GetString());
        Assert.Contains("Northwind Care", now.GetProperty("answer").GetString());
    }

    [Fact]
    public async Task A_curator_reviews_the_widgets_conversations_filtered_by_feedback_abstention_and_handoff_with_the_cited_transcript()
    {
        using var visitor = platform.Host.Client(platform.WidgetKey);
        visitor.DefaultRequestHeaders.Add("Origin", platform.Site.Origin);
        async Task<string> AskAsync(string question)
        {
            using var asked = await visitor.PostAsJsonAsync("/api/v1/knowledge-bases/customer-service/ask", new { question }, _ct);
            return (await asked.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("conversationId").GetString()!;
        }
        var rated = await AskAsync("How many days do I have to return a product?");
        (await visitor.PostAsJsonAsync("/api/v1/feedback", new { rating = "down", conversationId = rated, comment = "Too short." }, _ct)).EnsureSuccessStatusCode();
        // The "not helpful" is in the inbox with the question, the answer and its citations.
        var items = await platform.Admin.GetFromJsonAsync<JsonElement>("/api/v1/inbox?kind=feedback", _ct);
        var item = items.EnumerateArray().Single(i => i.GetProperty("conversationId").GetString() == rated);
        Assert.Equal("How many days do I have to return a product?", item.GetProperty("question").GetString());
        var turn = (await platform.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/inbox/{item.GetProperty("id").GetString()}", _ct)).GetProperty("transcript")[0];
        Assert.Contains("30 days", turn.GetProperty("answer").GetString());
        Assert.NotEmpty(turn.GetProperty("citations").EnumerateArray());
        var abstained = await AskAsync("Which horse won the Grand National in 1993?");
        (await visitor.PostAsJsonAsync("/api/v1/handoffs", new { conversationId = abstained, contact = "lee@example.com" }, _ct)).EnsureSuccessStatusCode();

        await using var context = await chromium.NewContextAsync();
        var page = await PortalSession.SignInInBrowserAsync(context, platform.Host, WidgetFixture.LeadEmail);
        await page.GetByRole(AriaRole.Link, new() { Name = "Conversations" }).ClickAsync();
        var filters = page.GetByTestId("conversation-filters");
        var list = page.GetByTestId("conversation");
        async Task FilterAsync(string? feedback, bool abstainedOnly, bool handedOffOnly)
        {
            await filters.GetByLabel("Channel").SelectOptionAsync("widget");
            await filters.GetByLabel("Feedback").SelectOptionAsync(feedback ?? "");
            await filters.GetByLabel("Abstained (not found)").SetCheckedAsync(abstainedOnly);
            await filters.GetByLabel("Handed off").SetCheckedAsync(handedOffOnly);
            await filters.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        }

        await FilterAsync("down", false, false);
        await Assertions.Expect(list).ToHaveCountAsync(1);
        await Assertions.Expect(list).ToContainTextAsync("How many days do I have to return a product?");
        await list.GetByRole(AriaRole.Button).ClickAsync();
        var detail = page.GetByTestId("conversation-detail");
        await Assertions.Expect(detail.GetByTestId("conversation-feedback")).ToContainTextAsync("Too short.");
        await Assertions.Expect(detail.GetByTestId("turn-answer")).ToContainTextAsync("30 days");
        await Assertions.Expect(detail.GetByTestId("turn-citations").Locator("li").First).ToContainTextAsync("Returns");
        await Chromium.ScreenshotAsync(page, "portal-conversations-not-helpful");

        foreach (var (abstainedOnly, handedOffOnly) in new[] { (true, false), (false, true) })
        {
            await FilterAsync(null, abstainedOnly, handedOffOnly);
            await Assertions.Expect(list.Filter(new() { HasText = "Grand National" })).ToHaveCountAsync(1);
            await Assertions.Expect(list.Filter(new() { HasText = "return a product" })).ToHaveCountAsync(0);
        }
        await list.Filter(new() { HasText = "Grand National" }).GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(detail.GetByTestId("conversation-handoff")).ToContainTextAsync("lee@example.com");
        await Assertions.Expect(detail.GetByTestId("turn-status")).ToHaveTextAsync("not found (abstained)");
        await Chromium.ScreenshotAsync(page, "portal-conversations-handed-off");
    }
}
