using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.Extensions.Logging;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Faults;

/// <summary>
/// The embedded data folder refusing writes. Tests run as root in CI, where file permissions stop nothing, so
/// the failure is made with something that stops root too: a regular file where the store must create a
/// folder (the kernel answers ENOTDIR, an IOException like a full disk's ENOSPC or a read-only mount's EROFS).
/// </summary>
/// <remarks>The test has a server of its own: it breaks the data folder under it and reads the server's log.</remarks>
public sealed class StorageFailureTests() : PlatformTest(TestPlatform.Owned(TestDatabase.Sqlite()))
{
    private readonly LogCapture _logs = new();

    protected override ILoggerProvider Logs => _logs;

    [Fact]
    public async Task An_upload_theDataPath_folder_cannot_store_is_refused_with_problem_details_and_existingDataPath_stays_intact()
    {
        // Existing data: a ready document.
        using var first = await PlatformHost.UploadAsync(Admin, "support", "returns.md", "# Returns\n\nYou can return a product within 30 days of delivery.", Ct);
        var existing = await first.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var statusUrl = existing.GetProperty("statusUrl").GetString()!;
        Assert.Equal("ready", (await PlatformHost.WaitForIngestionAsync(Admin, statusUrl, Ct)).GetProperty("status").GetString());
        var filesBefore = Directory.GetFiles(Path.Combine(DataPath, "files"), "*", SearchOption.AllDirectories).Select(File.ReadAllBytes).ToList();

        // The knowledge base's folder becomes unwritable: a file stands where it is.
        var kbId = (await Admin.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/support", Ct)).GetProperty("id").GetString()!;
        var kbFolder = Path.Combine(DataPath, "files", FileKeys.Tenant(Tenant.Id), kbId);
        var moved = kbFolder + ".moved";
        Directory.Move(kbFolder, moved);
        await File.WriteAllTextAsync(kbFolder, "not a folder", Ct);

        using var refused = await PlatformHost.UploadAsync(Admin, "support", "shipping.md", "# Shipping\n\nStandard shipping takes 3 to 5 days.", Ct);
        using var newVersion = await PlatformHost.UploadAsync(Admin, "support", "returns.md", "# Returns\n\nReturns are accepted within 45 days.", Ct);

        foreach (var response in new[] { refused, newVersion })
        {
            Assert.Equal(HttpStatusCode.InsufficientStorage, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal("storage_unavailable", problem.GetProperty("code").GetString());
            Assert.Contains("storage is full or read-only", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        Assert.Contains(_logs.Entries, e => e.Category.EndsWith("DocumentIntake", StringComparison.Ordinal) && e.Exception is IOException);

        // Nothing changed: one document, still version 1 and ready, still found; its file untouched.
        File.Delete(kbFolder);
        Directory.Move(moved, kbFolder);
        var documents = await Admin.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/support/documents", Ct);
        var only = Assert.Single(documents.EnumerateArray());
        Assert.Equal(1, only.GetProperty("version").GetInt32());
        Assert.Equal("ready", only.GetProperty("status").GetString());
        using var search = await Admin.PostAsJsonAsync("/api/v1/knowledge-bases/support/search", new { query = "return a product within 30 days" }, Ct);
        Assert.Contains("30 days", await search.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(filesBefore, Directory.GetFiles(Path.Combine(DataPath, "files"), "*", SearchOption.AllDirectories).Select(File.ReadAllBytes).ToList());

        // Once the folder is writable again, uploads are accepted.
        using var accepted = await PlatformHost.UploadAsync(Admin, "support", "shipping.md", "# Shipping\n\nStandard shipping takes 3 to 5 days.", Ct);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
    }
}
