using System.Diagnostics;
using System.Text;
using KnowledgePlatform.Ingestion.Extraction;
using KnowledgePlatform.Ingestion.Extraction.Html;
using Xunit;
using static KnowledgePlatform.Tests.Extraction.ExtractionTestFiles;

namespace KnowledgePlatform.Tests.Extraction;

public sealed class HtmlExtractorTests
{
    private const string Page = """
        <!doctype html>
        <html>
        <head><title>Support Centre</title><style>p { color: red }</style></head>
        <body>
          <header><h1>Site name</h1><p>Header promo</p></header>
          <nav><ul><li>Home</li><li>Contact</li></ul></nav>
          <div role="navigation">Breadcrumbs</div>
          <h1>Billing</h1>
          <p>Invoices are sent   monthly.</p>
          <script>var tracking = "secret";</script>
          <h2>Payment methods</h2>
          <ul><li>Card</li><li>Bank <b>transfer</b><ul><li>SEPA</li></ul></li></ul>
          <blockquote>Pay on time.</blockquote>
          <pre>line one
        line two</pre>
          <table>
            <thead><tr><th>Plan</th><th>Price</th></tr></thead>
            <tbody><tr><td>Basic</td><td>5 EUR</td></tr><tr><td>Pro</td><td>20 EUR</td></tr></tbody>
          </table>
          <h2>FAQ</h2>
          <dl><dt>Can I pay yearly?</dt><dd>Yes, with a discount.</dd><dt>Refunds?</dt><dd>Within 14 days.</dd></dl>
          <aside>Related articles</aside>
          <form><input name="q"><button>Search</button></form>
          <footer><p>Copyright 2025</p></footer>
        </body>
        </html>
        """;

    private static string AllText(ExtractedDocument document) => string.Join("\n", document.Blocks.Select(b => b switch
    {
        ParagraphBlock p => p.Text,
        TableBlock t => string.Join(" ", t.Header.Concat(t.Rows.SelectMany(r => r))),
        QuestionAnswerBlock q => q.Question + " " + q.Answer,
        _ => "",
    }));

    [Fact]
    public async Task Html_navigation_header_footer_and_scripts_are_dropped()
    {
        var text = AllText(await Extract(new HtmlExtractor(), Page));

        Assert.Contains("Invoices are sent monthly.", text, StringComparison.Ordinal);
        foreach (var noise in new[] { "Site name", "Header promo", "Home", "Breadcrumbs", "tracking", "color", "Related", "Search", "Copyright" })
        {
            Assert.DoesNotContain(noise, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Html_headings_build_the_heading_path_and_title_comes_from_title_element()
    {
        var document = await Extract(new HtmlExtractor(), Page);

        Assert.Equal("Support Centre", document.Title);
        var paragraph = document.Blocks.OfType<ParagraphBlock>().First(p => p.Text.StartsWith("Invoices", StringComparison.Ordinal));
        Assert.Equal(["Billing"], paragraph.HeadingPath);
        Assert.Equal(9, paragraph.Source.Line);
        var list = document.Blocks.OfType<ParagraphBlock>().First(p => p.Text.StartsWith("- ", StringComparison.Ordinal));
        Assert.Equal("- Card\n- Bank transfer\n  - SEPA", list.Text);
        Assert.Equal(["Billing", "Payment methods"], list.HeadingPath);
        Assert.Contains(document.Blocks, b => b is ParagraphBlock { Text: "Pay on time." });
        Assert.Contains(document.Blocks, b => b is ParagraphBlock { Text: "line one\nline two" });
    }

    [Fact]
    public async Task Html_table_keeps_its_header_row()
    {
        var document = await Extract(new HtmlExtractor(), Page);

        var table = Assert.Single(document.Blocks.OfType<TableBlock>());
        Assert.Equal(["Plan", "Price"], table.Header);
        Assert.Equal([["Basic", "5 EUR"], ["Pro", "20 EUR"]], table.Rows);
        Assert.Equal(["Billing", "Payment methods"], table.HeadingPath);
    }

    [Fact]
    public async Task Html_table_without_thead_uses_its_first_row_as_header()
    {
        var document = await Extract(new HtmlExtractor(), "<table><tr><td>Name</td><td>Role</td></tr><tr><td>Ada</td><td>Admin</td></tr></table>");

        var table = Assert.Single(document.Blocks.OfType<TableBlock>());
        Assert.Equal(["Name", "Role"], table.Header);
        Assert.Equal([["Ada", "Admin"]], table.Rows);
    }

    [Fact]
    public async Task Html_definition_list_becomes_questions_and_answers()
    {
        var document = await Extract(new HtmlExtractor(), Page);

        var qas = document.Blocks.OfType<QuestionAnswerBlock>().ToList();
        Assert.Equal(2, qas.Count);
        Assert.Equal("Can I pay yearly?", qas[0].Question);
        Assert.Equal("Yes, with a discount.", qas[0].Answer);
        Assert.Equal(["Billing", "FAQ"], qas[1].HeadingPath);
    }

    [Fact]
    public async Task Html_main_element_is_preferred_over_the_rest_of_the_body()
    {
        var document = await Extract(new HtmlExtractor(), "<body><div>Promo banner</div><main><h1>Docs</h1><p>Real content.</p></main><div>Cookie notice</div></body>");

        Assert.Equal("Docs", document.Title);
        var block = Assert.Single(document.Blocks);
        Assert.Equal("Real content.", Assert.IsType<ParagraphBlock>(block).Text);
    }

    [Fact]
    public async Task Html_articles_are_used_when_there_is_no_main()
    {
        var document = await Extract(new HtmlExtractor(), "<body><div>Sidebar text</div><article><header><h1>Post</h1></header><p>Body.</p></article></body>");

        var block = Assert.Single(document.Blocks);
        Assert.Equal(["Post"], block.HeadingPath);
    }

    [Theory]
    [InlineData("<div>")]
    [InlineData("<span>")]
    [InlineData("<b><i>")]
    [InlineData("<table><tr><td>")]
    [InlineData("<p>x")]
    [InlineData("<a href='#'>")]
    [InlineData("<br>")]
    [InlineData("<math><mi x='1'/>")]
    public async Task Html_with_10_MB_of_nested_tags_completes_within_bounded_memory(string tag)
    {
        var html = new StringBuilder("<html><body><p>Start of page.</p>");
        while (html.Length < 10_000_000)
        {
            html.Append(tag);
        }

        html.Append("Deep text.");
        var bytes = Encoding.UTF8.GetBytes(html.ToString());
        html.Clear();

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var document = await Extract(new HtmlExtractor(), bytes);
        clock.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.Contains("Start of page.", AllText(document), StringComparison.Ordinal);
        Assert.Contains("Deep text.", AllText(document), StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        Assert.True(allocated < 1_500_000_000, $"allocated {allocated / 1_000_000} MB");
    }

    [Fact]
    public async Task Html_without_content_is_refused()
    {
        var error = await Assert.ThrowsAsync<ExtractionException>(() => Extract(new HtmlExtractor(), "<html><body><nav>Only navigation</nav></body></html>"));
        Assert.Equal("no_text", error.Code);
    }
}
