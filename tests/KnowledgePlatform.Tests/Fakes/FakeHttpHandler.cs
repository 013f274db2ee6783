using System.Net;

namespace KnowledgePlatform.Tests.Fakes;

/// <summary>Answers every request with the given status and JSON body, and keeps what was sent.</summary>
internal sealed class FakeHttpHandler(string json, HttpStatusCode status = HttpStatusCode.OK) : HttpMessageHandler
{
    public List<(HttpRequestMessage Request, string Body)> Requests { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Add((request, request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken)));
        return new HttpResponseMessage(status) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
    }
}
