using KnowledgePlatform.Bench.Evaluation;
using KnowledgePlatform.Tests.Fakes;
using Xunit;

namespace KnowledgePlatform.Tests.Evaluation;

public sealed class EmbeddingCacheTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("kp-embedding-cache-").FullName;
    private readonly WordEmbeddings _model = new("warranty", "battery", "dose", "fever");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private EmbeddingCache Open() => new(_model, "words", _model.Dimension, _folder);

    private string File() => Directory.GetFiles(_folder).Single();

    [Fact]
    public async Task A_record_torn_by_a_stopped_run_is_dropped_and_what_is_appended_after_it_is_read_back()
    {
        await Open().EmbedAsync(["warranty terms", "battery care"], 8, null, Ct);
        var whole = new FileInfo(File()).Length;
        // A run stopped halfway through its next record.
        await using (var file = new FileStream(File(), FileMode.Append)) await file.WriteAsync(new byte[40], Ct);

        var reopened = Open();
        await reopened.EmbedAsync(["warranty terms", "fever dose"], 8, null, Ct);
        Assert.Equal(1, reopened.Hits);
        Assert.Equal(whole / 2 * 3, new FileInfo(File()).Length);

        var third = Open();
        var vectors = await third.EmbedAsync(["warranty terms", "battery care", "fever dose"], 8, null, Ct);
        Assert.Equal(3, third.Hits);
        Assert.Equal((await _model.GenerateAsync(["fever dose"], cancellationToken: Ct))[0].Vector.ToArray(), vectors[2]);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
