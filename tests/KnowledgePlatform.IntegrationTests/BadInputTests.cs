using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>Every refusal is a 4xx Problem Details answer with a code, and leaves the knowledge base as it was.</summary>
public abstract class BadInputTests(TestDatabase database) : IAsyncLifetime
{
    public sealed class OnSqlite() : BadInputTests(TestDatabase.Sqlite());

    public sealed class OnPostgres(PostgresServer server) : BadInputTests(TestDatabase.Postgres(server));

    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly string _data = PlatformHost.NewDataPath();
    private PlatformHost _host = null!;
    private HttpClient _client = null!;
    private string _otherTenantKb = "";

    public async ValueTask InitializeAsync()
    {
        await database.CreateAsync(_data, _ct);
        _host = new PlatformHost(_data, database.Settings);
        _client = _host.Client(await _host.CreateTenantAsync("acme", "support", _ct));
        using var other = _host.Client(await _host.CreateTenantAsync("globex", "secrets", _ct));
        _otherTenantKb = (await other.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/secrets", _ct)).GetProperty("id").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
        await database.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    private async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(_ct);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
    }

    private async Task AssertNothingStored()
    {
        var documents = await _client.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/support/documents", _ct);
        Assert.Empty(documents.EnumerateArray());
        var files = Path.Combine(_data, "files");
        Assert.True(!Directory.Exists(files) || Directory.GetFiles(files, "*", SearchOption.AllDirectories).Length == 0);
    }

    public static TheoryData<string, byte[], HttpStatusCode, string> Refusals => new()
    {
        { "malware.exe", [0x4d, 0x5a, 0x90, 0x00], HttpStatusCode.UnsupportedMediaType, "unsupported_type" },
        { "empty.md", [], HttpStatusCode.BadRequest, "empty_file" },
        { "broken.pdf", TestFiles.CorruptPdf(), HttpStatusCode.UnprocessableEntity, "pdf_corrupt" },
        { "locked.pdf", TestFiles.Pdf(encrypted: true), HttpStatusCode.UnprocessableEntity, "pdf_encrypted" },
        { "huge.txt", new byte[300 * 1024], HttpStatusCode.RequestEntityTooLarge, "file_too_large" },
        { "fake.pdf", "just text, not a PDF"u8.ToArray(), HttpStatusCode.UnsupportedMediaType, "type_mismatch" },
        { "faq.xlsx", "question,answer\nWhy?,Because.\n"u8.ToArray(), HttpStatusCode.UnsupportedMediaType, "type_mismatch" },
        { "bomb.xlsx", TestFiles.ZipBomb("xl/workbook.xml"), HttpStatusCode.UnprocessableEntity, "xlsx_zip_bomb" },
        { "bomb.docx", TestFiles.ZipBomb("word/document.xml"), HttpStatusCode.UnprocessableEntity, "docx_zip_bomb" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_bad_upload_is_refused_with_problem_details_and_stores_nothing(string fileName, byte[] content, HttpStatusCode status, string code)
    {
        if (fileName == "huge.txt") Array.Fill(content, (byte)'a');

        using var response = await PlatformHost.UploadAsync(_client, "support", fileName, content, _ct);

        await AssertProblem(response, status, code);
        await AssertNothingStored();
    }

    [Fact]
    public async Task A_valid_pdf_is_accepted()
    {
        using var response = await PlatformHost.UploadAsync(_client, "support", "fine.pdf", TestFiles.Pdf(encrypted: false), _ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("kp_not_a_real_key_0000000000000000")]
    public async Task A_missing_or_wrong_key_gets_401(string? key)
    {
        using var client = _host.Client(key);
        using var response = await client.GetAsync("/api/v1/knowledge-bases", _ct);

        await AssertProblem(response, HttpStatusCode.Unauthorized, key is null ? "missing_api_key" : "invalid_api_key");
    }

    [Fact]
    public async Task A_bearer_token_is_accepted_like_the_header()
    {
        var key = await _host.CreateTenantAsync("initech", "kb", _ct);
        using var client = _host.Client();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/knowledge-bases", _ct)).StatusCode);
    }

    [Fact]
    public async Task Another_tenants_knowledge_base_is_not_found_on_every_route()
    {
        var kb = _otherTenantKb;
        using var get = await _client.GetAsync($"/api/v1/knowledge-bases/{kb}", _ct);
        using var search = await _client.PostAsJsonAsync($"/api/v1/knowledge-bases/{kb}/search", new { query = "secret" }, _ct);
        using var ask = await _client.PostAsJsonAsync($"/api/v1/knowledge-bases/{kb}/ask", new { question = "secret?" }, _ct);
        using var upload = await PlatformHost.UploadAsync(_client, kb, "x.md", "# hi\ntext", _ct);
        using var delete = await _client.DeleteAsync($"/api/v1/knowledge-bases/{kb}", _ct);

        foreach (var response in new[] { get, search, ask, upload, delete })
            await AssertProblem(response, HttpStatusCode.NotFound, "not_found");
        using var other = await _host.Client().GetAsync("/health/live", _ct);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task An_empty_question_is_a_validation_problem()
    {
        using var response = await _client.PostAsJsonAsync("/api/v1/knowledge-bases/support/ask", new { question = "  " }, _ct);
        await AssertProblem(response, HttpStatusCode.BadRequest, "question_missing");
    }

    [Fact]
    public async Task An_upload_without_a_file_is_a_validation_problem()
    {
        using var form = new MultipartFormDataContent { { new StringContent("x"), "note" } };
        using var response = await _client.PostAsync("/api/v1/knowledge-bases/support/documents", form, _ct);
        await AssertProblem(response, HttpStatusCode.BadRequest, "file_missing");
    }

    [Fact]
    public async Task Malformed_json_and_unknown_enum_values_get_a_bad_request_problem()
    {
        using var body = new StringContent("{\"name\": \"x\", \"vertical\": \"astrology\"}", System.Text.Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync("/api/v1/knowledge-bases", body, _ct);
        await AssertProblem(response, HttpStatusCode.BadRequest, "bad_request");

        using var broken = new StringContent("{not json", System.Text.Encoding.UTF8, "application/json");
        using var second = await _client.PostAsync("/api/v1/knowledge-bases/support/search", broken, _ct);
        await AssertProblem(second, HttpStatusCode.BadRequest, "bad_request");
    }

    [Fact]
    public async Task An_unknown_route_is_a_not_found_problem()
    {
        using var response = await _client.GetAsync("/api/v1/nothing-here", _ct);
        await AssertProblem(response, HttpStatusCode.NotFound, "not_found");
    }
}
