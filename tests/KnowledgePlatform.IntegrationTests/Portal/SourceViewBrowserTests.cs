using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.Playwright;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Portal;

/// <summary>
/// A curator follows a citation from the chat test to the source view (decision 0146): the PDF opens at the cited page,
/// drawn by pdf.js from the API's content route, with the quoted words highlighted where they stand on the page.
/// </summary>
public sealed class SourceViewBrowserTests(SqlitePlatform platform, Chromium chromium) : PlatformTest(platform), IClassFixture<SqlitePlatform>
{
    private string _pdfId = "";

    protected override string TenantName => "clinic";

    protected override string KnowledgeBase => "guidelines";

    private string _curator = "";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _curator = await NewPortalUserAsync("curator", "curator");
        var api = Admin;
        _pdfId = (await PlatformHost.IngestAsync(api, "guidelines", "fever-and-dosing.pdf", TestFiles.GuidelinePdf(), Ct)).GetProperty("id").GetString()!;
        await PlatformHost.IngestAsync(api, "guidelines", "visiting.md", "# Visiting\n\nVisiting hours on the wards are from 10 to 20 every day.", Ct);
    }

    /// <summary>Dark (text) pixels of the page's canvas under the first highlight box: the box lies on drawn words.</summary>
    private const string InkUnderHighlight = """
        () => {
          const sheet = document.querySelector('[data-testid=pdf-page]');
          const canvas = sheet.querySelector('canvas');
          const mark = sheet.querySelector('[data-testid=pdf-highlight]');
          const s = sheet.getBoundingClientRect(), m = mark.getBoundingClientRect(), r = canvas.width / s.width;
          const data = canvas.getContext('2d').getImageData((m.left - s.left) * r, (m.top - s.top) * r, m.width * r, m.height * r).data;
          let dark = 0;
          for (let i = 0; i < data.length; i += 4) if (data[i] < 120 && data[i + 1] < 120 && data[i + 2] < 120 && data[i + 3] > 0) dark++;
          return dark;
        }
        """;

    [Fact]
    public async Task A_curator_opens_a_citation_from_the_chat_test_and_sees_the_pdf_page_with_the_quoted_words_highlighted()
    {
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        try
        {
            await page.GotoAsync(Host.Url("/portal/chat"));
            await page.WaitForURLAsync("**/portal/login**");
            await page.GetByLabel("E-mail").FillAsync(_curator);
            await page.GetByLabel("Password").FillAsync(PortalSession.Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await page.WaitForURLAsync("**/portal/chat", new() { WaitUntil = WaitUntilState.Commit });

            await page.Locator("[data-testid=kb-picker]").SelectOptionAsync(new SelectOptionValue { Label = "guidelines" });
            await page.Locator("[data-testid=question]").FillAsync("What is the maximum daily dose of paracetamol for adults?");
            await page.GetByRole(AriaRole.Button, new() { Name = "Ask" }).ClickAsync();
            await page.Locator("[data-testid=turn] [data-testid=status]").First.WaitForAsync(new() { Timeout = 60_000 });
            var citation = page.Locator($"[data-testid=citation][href*='{_pdfId}']").First;
            await citation.ClickAsync();
            await page.WaitForURLAsync("**/source?chunk=**");

            // pdf.js draws the cited page (2 of 2) and the quoted sentence's lines are boxed over its words.
            var highlight = page.Locator("[data-testid=pdf-page][data-page='2'] [data-testid=pdf-highlight]").First;
            await highlight.WaitForAsync();
            Assert.Equal("Page 2 of 2", (await page.Locator("[data-testid=page-number]").InnerTextAsync()).Trim());
            var sheet = (await page.Locator("[data-testid=pdf-page]").BoundingBoxAsync())!;
            var box = (await highlight.BoundingBoxAsync())!;
            Assert.True(box.Y > sheet.Y && box.Y + box.Height < sheet.Y + sheet.Height / 3, $"the sentence stands in the top third of the page: box {box.Y}, page {sheet.Y}..{sheet.Y + sheet.Height}");
            Assert.True(await page.EvaluateAsync<int>(InkUnderHighlight) > 50, "the highlight covers drawn text");
            Assert.Contains("maximum daily dose", await page.Locator("[data-testid=passage-status]").InnerTextAsync());
            await Chromium.ScreenshotAsync(page, "portal-source-view-pdf");

            // Page by page: the first page has no highlight, and one click leads back to the passage.
            await page.GetByRole(AriaRole.Button, new() { Name = "Previous page" }).ClickAsync();
            await page.Locator("[data-testid=pdf-page][data-page='1']").WaitForAsync();
            await Assertions.Expect(page.Locator("[data-testid=pdf-highlight]")).ToHaveCountAsync(0);
            await page.GetByRole(AriaRole.Button, new() { Name = "Back to the passage (page 2)" }).ClickAsync();
            await highlight.WaitForAsync();
        }
        catch
        {
            await Chromium.ScreenshotAsync(page, "failure-source-view-pdf");
            throw;
        }
    }
}
