using System.Net;
using Bunit;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Server.Api;
using KnowledgePlatform.Server.Ingestion;
using KnowledgePlatform.Server.Portal.Components;
using Microsoft.AspNetCore.Components.Forms;
using Xunit;

namespace KnowledgePlatform.Portal.Tests;

public sealed class UploadPanelTests : PortalComponentContext
{
    private static DocumentDto Queued(string id, string fileName) =>
        new(id, "kb1", fileName, "markdown", 10, null, 1, null, DocumentStatus.Queued, null, 0, 0, null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "/api/v1/documents/" + id);

    private static DocumentProgress Progress(string id, string fileName, DocumentStatus status, string? step, int percent, string? error = null) =>
        new(id, "kb1", fileName, 1, status, step, percent, 0, error, DateTimeOffset.UtcNow);

    /// <summary>Uploads answer queued with the next id; the status read after subscribing finds the document still queued.</summary>
    private void UploadsAreQueued(params string[] documentIds)
    {
        var ids = new Queue<string>(documentIds);
        Api.Respond = request => request.Method == HttpMethod.Post
            ? FakeApi.Json(HttpStatusCode.Accepted, Queued(ids.Dequeue(), "x.md"))
            : FakeApi.Json(HttpStatusCode.OK, Queued(request.RequestUri!.Segments[^1], "x.md"));
    }

    [Fact]
    public async Task Each_file_shows_its_pushed_step_and_percent_until_it_is_ready()
    {
        UploadsAreQueued("doc-a", "doc-b");
        var cut = Render<UploadPanel>(p => p.Add(x => x.KnowledgeBaseId, "kb1"));
        Assert.True(Feed.Started);

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("# A", "a.md"), InputFileContent.CreateFromText("# B", "b.md"));
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=upload-item][data-status=queued]").Count));
        Assert.Equal(["/api/v1/knowledge-bases/kb1/documents", "/api/v1/knowledge-bases/kb1/documents"], Api.Requests.Where(r => r.Method == HttpMethod.Post).Select(r => r.Path));

        await cut.InvokeAsync(() => Feed.PushAsync(Progress("doc-a", "a.md", DocumentStatus.Processing, "embed", 40)));
        cut.WaitForAssertion(() => Assert.Contains("embed 40%", cut.Find("[data-file='a.md']").TextContent));
        Assert.Equal("queued", cut.Find("[data-file='b.md']").GetAttribute("data-status"));

        await cut.InvokeAsync(() => Feed.PushAsync(Progress("doc-a", "a.md", DocumentStatus.Ready, null, 100)));
        await cut.InvokeAsync(() => Feed.PushAsync(Progress("doc-b", "b.md", DocumentStatus.Ready, null, 100)));
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=upload-item][data-status=ready]").Count));
    }

    [Fact]
    public async Task A_failure_shows_its_reason_and_retry_sends_the_file_again()
    {
        var attempts = 0;
        Api.Respond = request => request.Method == HttpMethod.Get ? FakeApi.Json(HttpStatusCode.OK, Queued("doc-c", "c.bin"))
            : ++attempts == 1 ? FakeApi.Problem(HttpStatusCode.UnsupportedMediaType, "unsupported_type", "This file type is not supported.")
            : FakeApi.Json(HttpStatusCode.Accepted, Queued("doc-c", "c.bin"));
        var cut = Render<UploadPanel>(p => p.Add(x => x.KnowledgeBaseId, "kb1"));

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("??", "c.bin"));
        cut.WaitForAssertion(() => Assert.Equal("failed", cut.Find("[data-file='c.bin']").GetAttribute("data-status")));
        Assert.Contains("This file type is not supported.", cut.Find("[data-file='c.bin'] [role=alert]").TextContent);

        await cut.Find("[data-file='c.bin'] button").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal("queued", cut.Find("[data-file='c.bin']").GetAttribute("data-status")));
        Assert.Equal(2, Api.Requests.Count(r => r.Method == HttpMethod.Post));
    }

    [Fact]
    public async Task Progress_of_other_documents_is_ignored()
    {
        UploadsAreQueued("doc-d");
        var cut = Render<UploadPanel>(p => p.Add(x => x.KnowledgeBaseId, "kb1"));
        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("# D", "d.md"));
        cut.WaitForAssertion(() => Assert.Equal("queued", cut.Find("[data-file='d.md']").GetAttribute("data-status")));

        await cut.InvokeAsync(() => Feed.PushAsync(Progress("someone-else", "d.md", DocumentStatus.Ready, null, 100)));
        Assert.Equal("queued", cut.Find("[data-file='d.md']").GetAttribute("data-status"));
    }

    [Fact]
    public void A_document_that_finished_before_the_page_was_listening_is_shown_ready()
    {
        // No push ever arrives: the document was ready before the subscription was live.
        Api.Respond = request => request.Method == HttpMethod.Post
            ? FakeApi.Json(HttpStatusCode.Accepted, Queued("doc-e", "e.md"))
            : FakeApi.Json(HttpStatusCode.OK, Queued("doc-e", "e.md") with { Status = DocumentStatus.Ready, ProgressPercent = 100 });
        var cut = Render<UploadPanel>(p => p.Add(x => x.KnowledgeBaseId, "kb1"));

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("# E", "e.md"));

        cut.WaitForAssertion(() => Assert.Equal("ready", cut.Find("[data-file='e.md']").GetAttribute("data-status")));
        Assert.Contains(Api.Requests, r => r.Method == HttpMethod.Get && r.Path == "/api/v1/documents/doc-e");
    }

    [Fact]
    public async Task After_a_reconnect_unfinished_uploads_catch_up_with_what_was_missed()
    {
        var ready = false;
        Api.Respond = request => request.Method == HttpMethod.Post
            ? FakeApi.Json(HttpStatusCode.Accepted, Queued("doc-f", "f.md"))
            : FakeApi.Json(HttpStatusCode.OK, Queued("doc-f", "f.md") with { Status = ready ? DocumentStatus.Ready : DocumentStatus.Queued });
        var cut = Render<UploadPanel>(p => p.Add(x => x.KnowledgeBaseId, "kb1"));
        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("# F", "f.md"));
        cut.WaitForAssertion(() => Assert.Equal("queued", cut.Find("[data-file='f.md']").GetAttribute("data-status")));

        ready = true; // finished while the connection was down: its push was lost
        await cut.InvokeAsync(Feed.ReconnectAsync);

        cut.WaitForAssertion(() => Assert.Equal("ready", cut.Find("[data-file='f.md']").GetAttribute("data-status")));
    }
}
