using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Faults;

/// <summary>
/// The embedded data folder refusing writes. Tests run as root in CI, where file permissions stop nothing, so
/// the failure is made with something that stops root too: a regular file where the store must create a
/// folder (the kernel answers ENOTDIR, an IOException like a full disk's ENOSPC or a read-only mount's EROFS).
/// </summary>
public sealed class StorageFailureTests : IAsyncLifetime
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly string _data = PlatformHost.NewDataPath();
    private readonly LogCapture _logs = new();
    private PlatformHost _host = null!;
    private HttpClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        await TestDatabase.Sqlite().CreateAsync(_data, _ct);
        _host = new PlatformHost(_data, logs: _logs);
        _client = _host.Client(await _host.CreateTenantAsync("acme", "support", _ct));
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task An_upload_the_data_folder_cannot_store_is_refused_with_problem_details_and_existing_data_stays_intact()
    {
        // Existing data: a ready document.
        using var first = await PlatformHost.UploadAsync(_client, "support", "returns.md", "# Returns\n\nYou can return a product within 30 days of delivery.", _ct);
        var existing = await first.Content.ReadFromJsonAsync<JsonElement>(_ct);
        var statusUrl = existing.GetProperty("statusUrl").GetString()!;
        Assert.Equal("ready", (await PlatformHost.WaitForIngestionAsync(_client, statusUrl, _ct)).GetProperty("status").GetString());
        var filesBefore = Directory.GetFiles(Path.Combine(_data, "files"), "*", SearchOption.AllDirectories).Select(File.ReadAllBytes).ToList();

        // The knowledge base's folder becomes unwritable: a file stands where it is.
        var kbId = (await _client.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/support", _ct)).GetProperty("id").GetString()!;
        var kbFolder = Path.Combine(_data, "files", "acme", kbId);
        var moved = kbFolder + ".moved";
        Directory.Move(kbFolder, moved);
        await File.WriteAllTextAsync(kbFolder, "not a folder", _ct);

        using var refused = await PlatformHost.UploadAsync(_client, "support", "shipping.md", "# Shipping\n\nStandard shipping takes 3 to 5 days.", _ct);
        using var newVersion = await PlatformHost.UploadAsync(_client, "support", "returns.md", "# Returns\n\nReturns are accepted within 45 days.", _ct);

        foreach (var response in new[] { refused, newVersion })
        {
            Assert.Equal(HttpStatusCode.InsufficientStorage, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(_ct);
            Assert.Equal("storage_unavailable", problem.GetProperty("code").GetString());
            Assert.Contains("storage is full or read-only", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        Assert.Contains(_logs.Entries, e => e.Category.EndsWith("DocumentIntake", StringComparison.Ordinal) && e.Exception is IOException);

        // Nothing changed: one document, still version 1 and ready, still found; its file untouched.
        File.Delete(kbFolder);
        Directory.Move(moved, kbFolder);
        var documents = await _client.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/support/documents", _ct);
        var only = Assert.Single(documents.EnumerateArray());
        Assert.Equal(1, only.GetProperty("version").GetInt32());
        Assert.Equal("ready", only.GetProperty("status").GetString());
        using var search = await _client.PostAsJsonAsync("/api/v1/knowledge-bases/support/search", new { query = "return a product within 30 days" }, _ct);
        Assert.Contains("30 days", await search.Content.ReadAsStringAsync(_ct), StringComparison.Ordinal);
        Assert.Equal(filesBefore, Directory.GetFiles(Path.Combine(_data, "files"), "*", SearchOption.AllDirectories).Select(File.ReadAllBytes).ToList());

        // Once the folder is writable again, uploads are accepted.
        using var accepted = await PlatformHost.UploadAsync(_client, "support", "shipping.md", "# Shipping\n\nStandard shipping takes 3 to 5 days.", _ct);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
    }
}
