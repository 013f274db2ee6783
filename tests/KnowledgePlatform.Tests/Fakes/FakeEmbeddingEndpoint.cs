using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace KnowledgePlatform.Tests.Fakes;

/// <summary>
/// An OpenAI-style POST /v1/embeddings on a loopback port, answering like the server it stands for: every request is
/// kept (headers and JSON body), and <see cref="Answer"/> writes the response from the request's JSON.
/// </summary>
internal sealed class FakeEmbeddingEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<(IHeaderDictionary Headers, JsonElement Body)> _requests = [];

    private bool _disposed;

    private FakeEmbeddingEndpoint(WebApplication app) => _app = app;

    /// <summary>The API root to configure, http://127.0.0.1:{port}/v1.</summary>
    public Uri BaseUrl => new(_app.Urls.First() + "/v1");

    public Func<JsonElement, IResult> Answer { get; set; } = _ => Results.StatusCode((int)HttpStatusCode.NotImplemented);

    /// <summary>How long the endpoint thinks before it answers.</summary>
    public TimeSpan Delay { get; set; }

    public IReadOnlyList<(IHeaderDictionary Headers, JsonElement Body)> Requests
    {
        get { lock (_requests) return [.. _requests]; }
    }

    public static async Task<FakeEmbeddingEndpoint> StartAsync(CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var endpoint = new FakeEmbeddingEndpoint(builder.Build());
        endpoint._app.MapPost("/v1/embeddings", async (HttpRequest request) =>
        {
            var body = (await JsonDocument.ParseAsync(request.Body)).RootElement.Clone();
            lock (endpoint._requests) endpoint._requests.Add((new HeaderDictionary(request.Headers.ToDictionary()), body));
            if (endpoint.Delay > TimeSpan.Zero) await Task.Delay(endpoint.Delay, request.HttpContext.RequestAborted);
            return endpoint.Answer(body);
        });
        await endpoint._app.StartAsync(ct);
        return endpoint;
    }

    /// <summary>vectors[i] is input i's, as a JSON array of numbers (encoding_format "float").</summary>
    public static IResult Floats(float[][] vectors) =>
        List(vectors, v => v);

    /// <summary>Like <see cref="Floats"/>, each vector as base64 of its little-endian float32 bytes (encoding_format "base64").</summary>
    public static IResult Base64(float[][] vectors) =>
        List(vectors, v => Convert.ToBase64String(v.SelectMany(BitConverter.GetBytes).ToArray()));

    private static IResult List(float[][] vectors, Func<float[], object> encode) =>
        Results.Json(new
        {
            @object = "list",
            data = vectors.Select((v, i) => new { @object = "embedding", index = i, embedding = encode(v) }),
            model = "bge-m3",
            usage = new { prompt_tokens = 3, total_tokens = 3 },
        });

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await _app.DisposeAsync();
    }
}
