using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Embeddings;
using KnowledgePlatform.Ingestion.Chunking;
using KnowledgePlatform.Ingestion.Extraction;
using Xunit;

namespace KnowledgePlatform.Tests.Ingestion;

/// <summary>The embedding model's real token counter, loaded once for the test class.</summary>
public sealed class ArcticModelFixture : IDisposable
{
    public OnnxEmbeddingGenerator Model { get; } = new(new EmbeddingModelCard("snowflake-arctic-embed-xs", 384, 512, ""), threads: 1);

    public void Dispose() => Model.Dispose();
}

/// <summary>
/// Every supported format, on the real files in samples/: extraction plus the real chunker counting with
/// the embedding model's tokenizer. Each format's test checks a heading path, a location and, where the
/// sample has one, that every piece of a table starts with the table's header row.
/// </summary>
public sealed class SampleFormatTests(ArcticModelFixture fixture) : IClassFixture<ArcticModelFixture>
{
    private static readonly ExtractorRegistry Extractors = new(ExtractorRegistry.CreateDefault());
    private readonly Chunker _chunker = new(fixture.Model);

    [Fact]
    public async Task Pdf_ruled_tables_keep_every_cell_in_its_row_under_the_header_with_heading_and_page()
    {
        var (_, chunks) = await ChunkAsync("medical/heart-failure-management.pdf");
        const string Title = "Chronic Heart Failure with Reduced Ejection Fraction";

        var doses = chunks.Where(c => c.Kind == ChunkKind.Table && c.Text.Contains("| Titration |", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, doses.Count); // 10 rows over two pieces
        Assert.All(doses, c =>
        {
            Assert.StartsWith("| Drug | Starting dose | Target dose | Titration |\n| --- | --- | --- | --- |\n", c.Text, StringComparison.Ordinal);
            Assert.Equal([Title, "2. Drug treatment for HFrEF", "2.1 Starting and target doses"], c.HeadingPath);
            Assert.Equal(2, c.Page);
        });
        // Cells wrapped over several lines, next to vertically centred ones, stay in their row.
        Assert.Contains("| Bisoprolol | 1.25 mg once daily | 10 mg once daily | Increase every 2 weeks: 1.25, 2.5, 3.75, 5, 7.5, 10 mg |", doses[0].Text, StringComparison.Ordinal);
        Assert.Contains("| Spironolactone | 25 mg once daily (12.5 mg if potassium or renal function borderline) | 50 mg once daily | Increase after 4 to 8 weeks |", doses[1].Text, StringComparison.Ordinal);

        var peptides = Assert.Single(chunks, c => c.Kind == ChunkKind.Table && c.Text.StartsWith("| NT-proBNP level | Interpretation | Action |", StringComparison.Ordinal));
        Assert.Equal(1, peptides.Page);
        Assert.Equal([Title, "1. Diagnosis", "1.1 Natriuretic peptides"], peptides.HeadingPath);
        Assert.Contains("| Above 2,000 ng/L (236 pmol/L) | Heart failure likely | Refer urgently for specialist assessment and echocardiography within 2 weeks |", peptides.Text, StringComparison.Ordinal);

        var monitoring = Assert.Single(chunks, c => c.Kind == ChunkKind.Table && c.Text.StartsWith("| Result | Action |", StringComparison.Ordinal));
        Assert.Equal(3, monitoring.Page);
    }

    [Fact]
    public async Task Pdf_bullet_lists_stay_text_and_a_page_with_a_wide_table_is_read_as_one_column()
    {
        var (_, chunks) = await ChunkAsync("medical/heart-failure-management.pdf");

        var classes = Assert.Single(chunks, c => c.Text.Contains("• HFrEF (reduced ejection fraction)", StringComparison.Ordinal));
        Assert.Equal(ChunkKind.Text, classes.Kind);
        Assert.Contains("\n• HFmrEF (mildly reduced): LVEF 41% to 49%.", classes.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(chunks, c => c.Kind == ChunkKind.Table && c.Text.StartsWith("| •", StringComparison.Ordinal));
        var treatment = Assert.Single(chunks, c => c.Text.Contains("hospital admission in HFrEF and should be started as early as possible", StringComparison.Ordinal));
        Assert.Equal(2, treatment.Page);
    }

    [Fact]
    public async Task Pdf_manual_table_and_numbered_steps_keep_their_section()
    {
        var (document, chunks) = await ChunkAsync("customer-service/sweep-s2-user-manual.pdf");
        const string Title = "Northwind Sweep S2 Robot Vacuum and Mop: User Manual";

        Assert.Equal(Title, document.Title);
        var modes = Assert.Single(chunks, c => c.Kind == ChunkKind.Table && c.Text.StartsWith("| Mode | Suction | Typical run time | Best for |\n", StringComparison.Ordinal));
        Assert.Contains("| Turbo | 3,000 Pa | Up to 110 minutes | Carpets, pet hair |", modes.Text, StringComparison.Ordinal);
        Assert.Equal(3, modes.Page);
        Assert.Equal([Title, "5. Cleaning", "5.1 Suction modes"], modes.HeadingPath);
        var steps = Assert.Single(chunks, c => c.HeadingPath is [.., "4.3 Connecting to the Northwind Home app"]);
        Assert.Contains("sign in.\n2. Tap + Add device > Robot vacuums > Sweep S2.\n3. Press and hold", steps.Text, StringComparison.Ordinal);
        Assert.Equal(2, steps.Page);
    }

    [Fact]
    public async Task Docx_tables_repeat_their_header_in_every_piece_under_the_word_headings()
    {
        var (document, chunks) = await ChunkAsync("medical/penicillin-allergy-assessment.docx");
        const string Title = "Penicillin Allergy Assessment and De-labelling";

        Assert.Equal(Title, document.Title);
        var risk = chunks.Where(c => c.Kind == ChunkKind.Table).ToList();
        Assert.True(risk.Count >= 2, "the risk table is longer than one chunk");
        Assert.All(risk, c =>
        {
            Assert.StartsWith("| Category | Typical history | Recommended action |\n| --- | --- | --- |\n", c.Text, StringComparison.Ordinal);
            Assert.Equal([Title, "Risk stratification"], c.HeadingPath);
        });
        Assert.Single(risk, c => c.Text.Contains("| High risk: severe delayed reaction |", StringComparison.Ordinal));
        var before = Assert.Single(chunks, c => c.HeadingPath is [.., "Before the challenge"]);
        Assert.Equal([Title, "Direct oral amoxicillin challenge (low-risk patients)", "Before the challenge"], before.HeadingPath);
        // Word files carry no reliable page numbers; no location is better than a wrong one.
        Assert.All(chunks, c => Assert.Null(c.Page ?? c.Line));

        var (_, wiring) = await ChunkAsync("customer-service/thermo-wiring-guide.docx");
        var terminals = Assert.Single(wiring, c => c.Kind == ChunkKind.Table);
        Assert.StartsWith("| Old label | Thermo terminal | Function | Typical wire color |\n", terminals.Text, StringComparison.Ordinal);
        Assert.Contains("| RC | Rc | 24 V power from the cooling transformer | Red |", terminals.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Html_drops_page_chrome_and_locates_its_table_by_source_line()
    {
        var (document, chunks) = await ChunkAsync("customer-service/returns-and-refunds.html");

        Assert.Equal("Returns and Refunds Policy | Northwind Home", document.Title);
        var costs = Assert.Single(chunks, c => c.Kind == ChunkKind.Table);
        Assert.StartsWith("| Reason for return | Return shipping |\n| --- | --- |\n", costs.Text, StringComparison.Ordinal);
        Assert.Contains("| Changed mind: Vision 55 TV | $49 collection fee deducted from refund |", costs.Text, StringComparison.Ordinal);
        Assert.Equal(["Returns and Refunds Policy", "Return shipping costs"], costs.HeadingPath);
        Assert.Contains("<table>", SourceLine("customer-service/returns-and-refunds.html", costs.Line), StringComparison.Ordinal);
        Assert.DoesNotContain(chunks, c => c.Text.Contains("Cart (0)", StringComparison.Ordinal) || c.Text.Contains("Sitemap", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Markdown_table_pieces_start_with_the_header_and_point_at_its_line()
    {
        var (_, chunks) = await ChunkAsync("medical/antibiotic-prescribing-table.md");
        const string Title = "Antibiotic Choices for Common Infections in Adults (Primary Care)";
        const string Header = "| Infection | First choice | Adult dose | Duration | Alternative |";

        var urinary = chunks.Where(c => c.HeadingPath.SequenceEqual([Title, "Urinary tract infections"]) && c.Kind == ChunkKind.Table).ToList();
        Assert.True(urinary.Count >= 2, "the urinary table is longer than one chunk");
        Assert.All(urinary, c =>
        {
            Assert.StartsWith(Header + "\n| --- | --- | --- | --- | --- |\n", c.Text, StringComparison.Ordinal);
            Assert.Equal(Header.Replace(" ", "", StringComparison.Ordinal), SourceLine("medical/antibiotic-prescribing-table.md", c.Line).Replace(" ", "", StringComparison.Ordinal));
        });

        var (_, faq) = await ChunkAsync("customer-service/faq-app-and-account.md");
        var account = Assert.Single(faq, c => c.Text.StartsWith("Q: How do I create a Northwind Home account?\nA: ", StringComparison.Ordinal));
        Assert.Equal(ChunkKind.QuestionAnswer, account.Kind);
        Assert.Equal(["Northwind Home App and Account: Frequently Asked Questions", "Account"], account.HeadingPath);
        Assert.Equal("### How do I create a Northwind Home account?", SourceLine("customer-service/faq-app-and-account.md", account.Line));
    }

    [Fact]
    public async Task Plain_text_underlined_headings_build_the_path_and_chunks_point_at_their_first_line()
    {
        var (document, chunks) = await ChunkAsync("customer-service/gift-cards.txt");

        Assert.Equal("Northwind Home Gift Cards", document.Title);
        var lost = Assert.Single(chunks, c => c.Text.Contains("within 90 days of purchase", StringComparison.Ordinal));
        Assert.Equal(["Northwind Home Gift Cards", "Lost or stolen cards"], lost.HeadingPath);
        Assert.StartsWith("We can replace a registered card", SourceLine("customer-service/gift-cards.txt", lost.Line), StringComparison.Ordinal);
        var buying = Assert.Single(chunks, c => c.HeadingPath is [.., "Buying and using gift cards"]);
        Assert.Contains("Gift cards cannot be used for:\n- a Northwind Plus subscription\n- other gift cards or e-gift cards\n", buying.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_faq_rows_become_question_answer_chunks_located_by_row_line()
    {
        var (_, chunks) = await ChunkAsync("medical/faq.csv");

        Assert.Equal(19, chunks.Count);
        Assert.All(chunks, c => Assert.Equal(ChunkKind.QuestionAnswer, c.Kind));
        var first = chunks[0];
        Assert.StartsWith("Q: How should I check my blood pressure at home?\nA: Sit quietly for 5 minutes", first.Text, StringComparison.Ordinal);
        Assert.Equal(2, first.Line);
        Assert.Empty(first.HeadingPath);
        Assert.StartsWith("How should I check my blood pressure at home?", SourceLine("medical/faq.csv", first.Line), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_dosing_table_keeps_every_drug_in_one_piece_that_starts_with_the_header_row()
    {
        var (_, chunks) = await ChunkAsync("medical/drug-dosing.csv");
        var drugs = File.ReadLines(SamplePath("medical/drug-dosing.csv")).Skip(1)
            .Select(l => l.StartsWith('"') ? l[1..l.IndexOf('"', 1)] : l[..l.IndexOf(',', StringComparison.Ordinal)]).ToList();

        Assert.True(chunks.Count >= 2, "29 rows do not fit one chunk");
        Assert.All(chunks, c =>
        {
            Assert.Equal(ChunkKind.Table, c.Kind);
            Assert.StartsWith("| drug | indication | adult dose | max daily dose | renal adjustment | notes |\n| --- |", c.Text, StringComparison.Ordinal);
            Assert.Equal(1, c.Line);
        });
        Assert.Equal(29, drugs.Count);
        Assert.All(drugs, drug => Assert.Single(chunks, c => c.Text.Contains($"\n| {drug} |", StringComparison.Ordinal)));
        Assert.Contains("| Paracetamol (acetaminophen) | Mild to moderate pain; fever | 500 mg to 1 g every 4 to 6 hours as needed | 4 g (4,000 mg) in 24 hours;", chunks[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Xlsx_faq_sheets_are_sections_each_question_answer_whole_at_its_row_and_a_plain_sheet_a_table()
    {
        var (document, chunks) = await ChunkAsync("customer-service/accessories-faq.xlsx");

        Assert.Equal("Northwind Home Accessories FAQ", document.Title);
        Assert.Equal(10, chunks.Count); // 6 + 3 questions, one price table
        var remote = Assert.Single(chunks, c => c.Text.StartsWith("Q: How do I pair a replacement Vision 55 remote?\nA: Point the new Vision Voice Remote (NW-V55-RC, $24.99)", StringComparison.Ordinal));
        Assert.Equal(ChunkKind.QuestionAnswer, remote.Kind);
        Assert.EndsWith("the infrared buttons work straight away.", remote.Text, StringComparison.Ordinal);
        Assert.Equal(["Accessories", "Vision 55"], remote.HeadingPath); // sheet, then the row's category
        Assert.Equal(4, remote.Line); // sheet row
        var delivery = Assert.Single(chunks, c => c.Text.StartsWith("Q: How long do accessory orders take to arrive?", StringComparison.Ordinal));
        Assert.Equal(["Ordering"], delivery.HeadingPath);
        Assert.Equal(2, delivery.Line);
        Assert.Contains("separately from large products.\nStandard shipping takes 3 to 5 business days", delivery.Text, StringComparison.Ordinal);
        var prices = Assert.Single(chunks, c => c.Kind == ChunkKind.Table);
        Assert.StartsWith("| SKU | Accessory | Price USD | Fits |\n| --- | --- | --- | --- |\n", prices.Text, StringComparison.Ordinal);
        Assert.Contains("| NW-SW2-DCK | Sweep S2 charging dock | 39.99 | Sweep S2 |", prices.Text, StringComparison.Ordinal);
        Assert.Equal(["Price list"], prices.HeadingPath);
        Assert.Equal(1, prices.Line);
    }

    [Fact]
    public async Task Json_lines_titles_are_headings_and_each_chunk_points_at_its_line()
    {
        var (_, chunks) = await ChunkAsync("customer-service/order-tracking-faq.jsonl");

        var address = Assert.Single(chunks, c => c.Text.StartsWith("Q: Can I change the delivery address after I have placed an order?\nA: Yes, within 30 minutes", StringComparison.Ordinal));
        Assert.Equal(ChunkKind.QuestionAnswer, address.Kind);
        Assert.Equal(["Changes"], address.HeadingPath);
        Assert.Contains("\"question\": \"Can I change the delivery address", SourceLine("customer-service/order-tracking-faq.jsonl", address.Line), StringComparison.Ordinal);
        var about = Assert.Single(chunks, c => c.Kind == ChunkKind.Text);
        Assert.Equal(["About these FAQs"], about.HeadingPath);
        Assert.Equal(1, about.Line);
    }

    [Fact]
    public async Task Every_sample_chunk_counts_its_tokens_exactly_and_text_stays_within_the_budget()
    {
        // The two sample knowledge bases; samples/ also holds the widget demo site and the clinical client.
        foreach (var file in new[] { "medical", "customer-service" }.SelectMany(kb => Directory.EnumerateFiles(Path.Combine(SamplesFolder, kb))))
        {
            var relative = Path.GetRelativePath(SamplesFolder, file);
            var (_, chunks) = await ChunkAsync(relative);
            var budget = Settings(relative).MaxTokens;
            Assert.NotEmpty(chunks);
            Assert.All(chunks, c =>
            {
                Assert.Equal(fixture.Model.CountTokens(c.Text), c.TokenCount);
                if (c.Kind == ChunkKind.Text) Assert.True(c.TokenCount <= budget, $"{relative}: {c.TokenCount} tokens > {budget}");
            });
        }
    }

    private async Task<(ExtractedDocument Document, IReadOnlyList<ChunkDraft> Chunks)> ChunkAsync(string relative)
    {
        var bytes = await File.ReadAllBytesAsync(SamplePath(relative), TestContext.Current.CancellationToken);
        var format = FormatDetector.Detect(relative, bytes.AsSpan(0, Math.Min(bytes.Length, 8192)));
        var document = await Extractors.For(format).ExtractAsync(new MemoryStream(bytes), Path.GetFileName(relative), TestContext.Current.CancellationToken);
        return (document, _chunker.Chunk(document, Settings(relative)));
    }

    /// <summary>The chunking the demo knowledge base of the sample's folder uses.</summary>
    private static ChunkingSettings Settings(string relative) =>
        ChunkingSettings.For(relative.StartsWith("medical", StringComparison.Ordinal) ? Vertical.Medical : Vertical.CustomerService);

    private static string SourceLine(string relative, int? line) =>
        File.ReadLines(SamplePath(relative)).ElementAt((line ?? throw new InvalidOperationException("no line")) - 1).Trim();

    private static string SamplePath(string relative) => Extraction.ExtractionTestFiles.SamplePath(relative);

    private static string SamplesFolder => Extraction.ExtractionTestFiles.SamplesFolder;
}
