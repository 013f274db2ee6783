using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>Every refusal is a 4xx Problem Details answer with a code, and leaves the knowledge base as it was.</summary>
public abstract class BadInputTests(TestPlatform platform) : PlatformTest(platform)
{
    public sealed class OnSqlite(SqlitePlatform platform) : BadInputTests(platform), IClassFixture<SqlitePlatform>;

    public sealed class OnPostgres(PostgresPlatform platform) : BadInputTests(platform), IClassFixture<PostgresPlatform>;

    private async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
    }

    private async Task AssertNothingStored()
    {
        var documents = await Admin.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/support/documents", Ct);
        Assert.Empty(documents.EnumerateArray());
        var files = Path.Combine(DataPath, "files", FileKeys.Tenant(Tenant.Id));
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

        using var response = await PlatformHost.UploadAsync(Admin, "support", fileName, content, Ct);

        await AssertProblem(response, status, code);
        await AssertNothingStored();
    }

    [Fact]
    public async Task A_valid_pdf_is_accepted()
    {
        using var response = await PlatformHost.UploadAsync(Admin, "support", "fine.pdf", TestFiles.Pdf(encrypted: false), Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("kp_not_a_real_key_0000000000000000")]
    public async Task A_missing_or_wrong_key_gets_401(string? key)
    {
        using var client = Host.Client(key);
        using var response = await client.GetAsync("/api/v1/knowledge-bases", Ct);

        await AssertProblem(response, HttpStatusCode.Unauthorized, key is null ? "missing_api_key" : "invalid_api_key");
    }

    [Fact]
    public async Task A_bearer_token_is_accepted_like_the_header()
    {
        var key = (await NewTenantAsync("initech", "kb")).Key;
        using var client = Host.Client();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/knowledge-bases", Ct)).StatusCode);
    }

    [Fact]
    public async Task Another_tenants_knowledge_base_is_not_found_on_every_route()
    {
        var globex = Client((await NewTenantAsync("globex", "secrets")).Key);
        var kb = (await globex.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/secrets", Ct)).GetProperty("id").GetString()!;
        using var get = await Admin.GetAsync($"/api/v1/knowledge-bases/{kb}", Ct);
        using var search = await Admin.PostAsJsonAsync($"/api/v1/knowledge-bases/{kb}/search", new { query = "secret" }, Ct);
        using var ask = await Admin.PostAsJsonAsync($"/api/v1/knowledge-bases/{kb}/ask", new { question = "secret?" }, Ct);
        using var upload = await PlatformHost.UploadAsync(Admin, kb, "x.md", "# hi\ntext", Ct);
        using var delete = await Admin.DeleteAsync($"/api/v1/knowledge-bases/{kb}", Ct);

        foreach (var response in new[] { get, search, ask, upload, delete })
            await AssertProblem(response, HttpStatusCode.NotFound, "not_found");
        using var other = await Host.Client().GetAsync("/health/live", Ct);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task An_empty_question_is_a_validation_problem()
    {
        using var response = await Admin.PostAsJsonAsync("/api/v1/knowledge-bases/support/ask", new { question = "  " }, Ct);
        await AssertProblem(response, HttpStatusCode.BadRequest, "question_missing");
    }

    [Fact]
    public async Task An_upload_without_a_file_is_a_validation_problem()
    {
        using var form = new MultipartFormDataContent { { new StringContent("x"), "note" } };
        using var response = await Admin.PostAsync("/api/v1/knowledge-bases/support/documents", form, Ct);
        await AssertProblem(response, HttpStatusCode.BadRequest, "file_missing");
    }

    [Fact]
    public async Task Malformed_json_and_unknown_enum_values_get_a_bad_request_problem()
    {
        using var body = new StringContent("{\"name\": \"x\", \"vertical\": \"astrology\"}", System.Text.Encoding.UTF8, "application/json");
        using var response = await Admin.PostAsync("/api/v1/knowledge-bases", body, Ct);
        await AssertProblem(response, HttpStatusCode.BadRequest, "bad_request");

        using var broken = new StringContent("{not json", System.Text.Encoding.UTF8, "application/json");
        using var second = await Admin.PostAsync("/api/v1/knowledge-bases/support/search", broken, Ct);
        await AssertProblem(second, HttpStatusCode.BadRequest, "bad_request");
    }

    [Fact]
    public async Task An_unknown_route_is_a_not_found_problem()
    {
        using var response = await Admin.GetAsync("/api/v1/nothing-here", Ct);
        await AssertProblem(response, HttpStatusCode.NotFound, "not_found");
    }
}
