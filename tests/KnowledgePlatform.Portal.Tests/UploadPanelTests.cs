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

    [Fact]
    public async Task Each_file_shows_its_pushed_step_and_percent_until_it_is_ready()
    {
        var ids = new Queue<string>(["doc-a", "doc-b"]);
        Api.Respond = request => FakeApi.Json(HttpStatusCode.Accepted, Queued(ids.Dequeue(), "x.md"));
        var cut = Render<UploadPanel>(p => p.Add(x => x.KnowledgeBaseId, "kb1"));
        Assert.True(Feed.Started);

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("# A", "a.md"), InputFileContent.CreateFromText("# B", "b.md"));
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=upload-item][data-status=queued]").Count));
        Assert.All(Api.Requests, r => Assert.Equal("/api/v1/knowledge-bases/kb1/documents", r.Path));

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
        Api.Respond = _ => ++attempts == 1
            ? FakeApi.Problem(HttpStatusCode.UnsupportedMediaType, "unsupported_type", "This file type is not supported.")
            : FakeApi.Json(HttpStatusCode.Accepted, Queued("doc-c", "c.bin"));
        var cut = Render<UploadPanel>(p => p.Add(x => x.KnowledgeBaseId, "kb1"));

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("??", "c.bin"));
        cut.WaitForAssertion(() => Assert.Equal("failed", cut.Find("[data-file='c.bin']").GetAttribute("data-status")));
        Assert.Contains("This file type is not supported.", cut.Find("[data-file='c.bin'] [role=alert]").TextContent);

        await cut.Find("[data-file='c.bin'] button").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal("queued", cut.Find("[data-file='c.bin']").GetAttribute("data-status")));
        Assert.Equal(2, Api.Requests.Count);
    }

    [Fact]
    public async Task Progress_of_other_documents_is_ignored()
    {
        Api.Respond = _ => FakeApi.Json(HttpStatusCode.Accepted, Queued("doc-d", "d.md"));
        var cut = Render<UploadPanel>(p => p.Add(x => x.KnowledgeBaseId, "kb1"));
        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("# D", "d.md"));
        cut.WaitForAssertion(() => Assert.Equal("queued", cut.Find("[data-file='d.md']").GetAttribute("data-status")));

        await cut.InvokeAsync(() => Feed.PushAsync(Progress("someone-else", "d.md", DocumentStatus.Ready, null, 100)));
        Assert.Equal("queued", cut.Find("[data-file='d.md']").GetAttribute("data-status"));
    }
}
