using KnowledgePlatform.Infrastructure.Files;
using Xunit;

namespace KnowledgePlatform.Tests.Storage;

public sealed class LocalFileStoreTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "kp-files-" + Guid.NewGuid().ToString("N"));
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task A_document_folder_is_deleted_while_a_writer_is_still_adding_files_to_it()
    {
        // A sync whose source is being removed can still be saving a page into the document's folder.
        var store = new LocalFileStore(_root);
        const string folder = "acme/kb/doc";
        for (var i = 0; i < 200; i++) await store.SaveAsync($"{folder}/v{i}/page.html", new MemoryStream([1, 2, 3]), _ct);
        using var writing = new CancellationTokenSource(TimeSpan.FromMilliseconds(150));
        var writer = Task.Run(() =>
        {
            var path = Path.Combine(_root, folder);
            for (var i = 0; !writing.IsCancellationRequested; i++)
            {
                try
                {
                    Directory.CreateDirectory(path);
                    File.WriteAllBytes(Path.Combine(path, $"late-{i}.partial"), [1]);
                }
                catch (DirectoryNotFoundException)
                {
                    // deleted between the two: the writer's failure, not the delete's
                }
            }
        }, _ct);

        await store.DeleteFolderAsync(folder, _ct);
        await writer;
        await store.DeleteFolderAsync(folder, _ct);

        Assert.False(Directory.Exists(Path.Combine(_root, folder)));
    }
}
