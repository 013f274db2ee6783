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
public abstract class DocumentSourceTests(TestDatabase database) : IAsyncLifetime
{
    public sealed class OnSqlite() : DocumentSourceTests(TestDatabase.Sqlite());

    public sealed class OnPostgres(PostgresServer server) : DocumentSourceTests(TestDatabase.Postgres(server));

    private const string Markdown = "# Visiting\n\nVisiting hours on the wards are from 10 to 20 every day.\n\n## Parking\n\nVisitors park in the blue garage on Elm Street, level two.";

    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly string _data = PlatformHost.NewDataPath();
    private readonly byte[] _pdf = TestFiles.GuidelinePdf();
    private PlatformHost _host = null!;
    private HttpClient _admin = null!;
    private string _pdfId = "";
    private string _markdownId = "";

    public async ValueTask InitializeAsync()
    {
        await database.CreateAsync(_data, _ct);
        _host = new PlatformHost(_data, database.Settings);
        _admin = _host.Client(await _host.CreateTenantAsync("clinic", "guidelines", _ct));
        _pdfId = (await PlatformHost.IngestAsync(_admin, "guidelines", "fever-and-dosing.pdf", _pdf, _ct)).GetProperty("id").GetString()!;
        _markdownId = (await PlatformHost.IngestAsync(_admin, "guidelines", "visiting.md", Markdown, _ct)).GetProperty("id").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _host.DisposeAsync();
        await database.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task The_original_file_comes_back_byte_for_byte_with_its_content_type_as_a_download()
    {
        using var pdf = await _admin.GetAsync($"/api/v1/documents/{_pdfId}/content", _ct);
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        Assert.Equal(_pdf, await pdf.Content.ReadAsByteArrayAsync(_ct));
        Assert.Equal("fever-and-dosing.pdf", pdf.Content.Headers.ContentDisposition?.FileNameStar ?? pdf.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal("nosniff", pdf.Headers.GetValues("X-Content-Type-Options").Single());

        using var markdown = await _admin.GetAsync($"/api/v1/documents/{_markdownId}/content", _ct);
        Assert.Equal("text/markdown", markdown.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Markdown, Encoding.UTF8.GetString(await markdown.Content.ReadAsByteArrayAsync(_ct)));
        using var missing = await _admin.GetAsync($"/api/v1/documents/{_markdownId}/content?version=7", _ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_citations_links_open_the_file_and_place_the_quote_on_its_pdf_page_with_the_clients_own_key()
    {
        using var asked = await _admin.PostAsJsonAsync("/api/v1/knowledge-bases/guidelines/ask", new { question = "What is the maximum daily dose of paracetamol for adults?" }, _ct);
        var citation = (await asked.Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("citations").EnumerateArray()
            .First(c => c.GetProperty("documentId").GetString() == _pdfId);
        var source = citation.GetProperty("source");
        Assert.Equal($"/api/v1/documents/{_pdfId}/content", source.GetProperty("contentUrl").GetString());
        Assert.StartsWith($"/portal/documents/{_pdfId}/source?chunk=", source.GetProperty("viewUrl").GetString());

        using var reader = _host.Client(await KeyAsync(["read"]));
        Assert.Equal(_pdf, await reader.GetByteArrayAsync(source.GetProperty("contentUrl").GetString(), _ct));
        var passage = await reader.GetFromJsonAsync<JsonElement>(source.GetProperty("passageUrl").GetString(), _ct);
        Assert.Equal(2, passage.GetProperty("page").GetInt32());
        Assert.Equal(2, passage.GetProperty("pageCount").GetInt32());
        var boxes = passage.GetProperty("boxes").EnumerateArray().ToList();
        Assert.NotEmpty(boxes);
        Assert.All(boxes, b => Assert.Equal(2, b.GetProperty("page").GetInt32()));
        // The sentence's first line stands at y = 700 of 842 pt: its top about 16 % from the top of the page.
        Assert.Contains(boxes, b => b.GetProperty("top").GetDouble() is > 0.15 and < 0.17);

        // A key that may only ask gets no file: the original is not redacted, so reading it takes the read scope.
        using var askOnly = _host.Client(await KeyAsync(["ask"]));
        using var refused = await askOnly.GetAsync(source.GetProperty("contentUrl").GetString(), _ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task In_other_formats_the_quote_is_marked_in_the_extracted_text_and_a_chunk_of_another_document_is_not_found()
    {
        var quote = "park in the blue garage on Elm Street";
        var passage = await _admin.GetFromJsonAsync<JsonElement>($"/api/v1/documents/{_markdownId}/passage?quote={Uri.EscapeDataString(quote)}", _ct);
        var text = passage.GetProperty("text").GetString()!;
        var mark = passage.GetProperty("marks")[0];
        Assert.Equal(quote, text.Substring(mark.GetProperty("start").GetInt32(), mark.GetProperty("length").GetInt32()));
        Assert.Contains("Visiting hours on the wards", text);

        var pdfChunk = (await _admin.GetFromJsonAsync<JsonElement>($"/api/v1/documents/{_pdfId}/chunks", _ct))[0].GetProperty("id").GetString();
        using var foreign = await _admin.GetAsync($"/api/v1/documents/{_markdownId}/passage?chunk={pdfChunk}", _ct);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
    }

    private async Task<string> KeyAsync(string[] scopes)
    {
        using var response = await _admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "source reader", scopes }, _ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("secret").GetString()!;
    }
}
