using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>
/// A document's original file and the place of a cited passage in it (decision 0146): the bytes come back as uploaded,
/// a citation's links open with the client's own key, and the passage is placed on the PDF page or in the extracted text.
/// </summary>
public abstract class DocumentSourceTests(TestPlatform platform) : PlatformTest(platform)
{
    public sealed class OnSqlite(SqlitePlatform platform) : DocumentSourceTests(platform), IClassFixture<SqlitePlatform>;

    public sealed class OnPostgres(PostgresPlatform platform) : DocumentSourceTests(platform), IClassFixture<PostgresPlatform>;

    private const string Markdown = "# Visiting\n\nVisiting hours on the wards are from 10 to 20 every day.\n\n## Parking\n\nVisitors park in the blue garage on Elm Street, level two.";

    private readonly byte[] _pdf = TestFiles.GuidelinePdf();
    private string _pdfId = "";
    private string _markdownId = "";

    protected override string TenantName => "clinic";

    protected override string KnowledgeBase => "guidelines";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _pdfId = (await PlatformHost.IngestAsync(Admin, "guidelines", "fever-and-dosing.pdf", _pdf, Ct)).GetProperty("id").GetString()!;
        _markdownId = (await PlatformHost.IngestAsync(Admin, "guidelines", "visiting.md", Markdown, Ct)).GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task The_original_file_comes_back_byte_for_byte_with_its_content_type_as_a_download()
    {
        using var pdf = await Admin.GetAsync($"/api/v1/documents/{_pdfId}/content", Ct);
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        Assert.Equal(_pdf, await pdf.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal("fever-and-dosing.pdf", pdf.Content.Headers.ContentDisposition?.FileNameStar ?? pdf.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal("nosniff", pdf.Headers.GetValues("X-Content-Type-Options").Single());

        using var markdown = await Admin.GetAsync($"/api/v1/documents/{_markdownId}/content", Ct);
        Assert.Equal("text/markdown", markdown.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Markdown, Encoding.UTF8.GetString(await markdown.Content.ReadAsByteArrayAsync(Ct)));
        using var missing = await Admin.GetAsync($"/api/v1/documents/{_markdownId}/content?version=7", Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_citations_links_open_the_file_and_place_the_quote_on_its_pdf_page_with_the_clients_own_key()
    {
        using var asked = await Admin.PostAsJsonAsync("/api/v1/knowledge-bases/guidelines/ask", new { question = "What is the maximum daily dose of paracetamol for adults?" }, Ct);
        var citation = (await asked.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("citations").EnumerateArray()
            .First(c => c.GetProperty("documentId").GetString() == _pdfId);
        var source = citation.GetProperty("source");
        Assert.Equal($"/api/v1/documents/{_pdfId}/content", source.GetProperty("contentUrl").GetString());
        Assert.StartsWith($"/portal/documents/{_pdfId}/source?chunk=", source.GetProperty("viewUrl").GetString());

        using var reader = Host.Client(await KeyAsync(["read"]));
        Assert.Equal(_pdf, await reader.GetByteArrayAsync(source.GetProperty("contentUrl").GetString(), Ct));
        var passage = await reader.GetFromJsonAsync<JsonElement>(source.GetProperty("passageUrl").GetString(), Ct);
        Assert.Equal(2, passage.GetProperty("page").GetInt32());
        Assert.Equal(2, passage.GetProperty("pageCount").GetInt32());
        var boxes = passage.GetProperty("boxes").EnumerateArray().ToList();
        Assert.NotEmpty(boxes);
        Assert.All(boxes, b => Assert.Equal(2, b.GetProperty("page").GetInt32()));
        // The sentence's first line stands at y = 700 of 842 pt: its top about 16 % from the top of the page.
        Assert.Contains(boxes, b => b.GetProperty("top").GetDouble() is > 0.15 and < 0.17);

        // A key that may only ask gets no file: the original is not redacted, so reading it takes the read scope.
        using var askOnly = Host.Client(await KeyAsync(["ask"]));
        using var refused = await askOnly.GetAsync(source.GetProperty("contentUrl").GetString(), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task In_other_formats_the_quote_is_marked_in_the_extracted_text_and_a_chunk_of_another_document_is_not_found()
    {
        var quote = "park in the blue garage on Elm Street";
        var passage = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/documents/{_markdownId}/passage?quote={Uri.EscapeDataString(quote)}", Ct);
        var text = passage.GetProperty("text").GetString()!;
        var mark = passage.GetProperty("marks")[0];
        Assert.Equal(quote, text.Substring(mark.GetProperty("start").GetInt32(), mark.GetProperty("length").GetInt32()));
        Assert.Contains("Visiting hours on the wards", text);

        var pdfChunk = (await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/documents/{_pdfId}/chunks", Ct))[0].GetProperty("id").GetString();
        using var foreign = await Admin.GetAsync($"/api/v1/documents/{_markdownId}/passage?chunk={pdfChunk}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
    }

    private async Task<string> KeyAsync(string[] scopes)
    {
        using var response = await Admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "source reader", scopes }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("secret").GetString()!;
    }
}
