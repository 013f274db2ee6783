using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using KnowledgePlatform.Server.Api.Middleware;
using KnowledgePlatform.Server.Security;

namespace KnowledgePlatform.Server.Portal;

/// <summary>
/// The portal's only way to data: the REST API over HTTP, authenticated as the signed-in user (a
/// short-lived sign-in cookie issued for the circuit's user). Every page therefore passes the same tenant,
/// scope and policy checks as any other client; no page reads the database.
/// </summary>
public sealed class PortalApi(HttpClient http, PortalCredential credential)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public Task<T> GetAsync<T>(string url, CancellationToken ct = default) => SendAsync<T>(HttpMethod.Get, url, null, ct);

    public Task<T> PostAsync<T>(string url, object body, CancellationToken ct = default) => SendAsync<T>(HttpMethod.Post, url, JsonContent.Create(body, options: Json), ct);

    public Task<T> PutAsync<T>(string url, object body, CancellationToken ct = default) => SendAsync<T>(HttpMethod.Put, url, JsonContent.Create(body, options: Json), ct);

    public Task<T> PatchAsync<T>(string url, object body, CancellationToken ct = default) => SendAsync<T>(HttpMethod.Patch, url, JsonContent.Create(body, options: Json), ct);

    /// <summary>Posts as the given channel would (the chat test): see <see cref="AskAsChannel"/>.</summary>
    public async Task<T> PostAsChannelAsync<T>(string channel, string url, object body, CancellationToken ct = default)
    {
        using var response = await SendRawAsync(HttpMethod.Post, url, JsonContent.Create(body, options: Json), ct, channel);
        return (await response.Content.ReadFromJsonAsync<T>(Json, ct))!;
    }

    /// <summary>Posts as the given channel would and yields the answer's Server-Sent Events as they arrive.</summary>
    public async IAsyncEnumerable<SseItem<JsonElement>> StreamAsChannelAsync(string channel, string url, object body, [EnumeratorCancellation] CancellationToken ct = default)
    {
        using var response = await SendRawAsync(HttpMethod.Post, url, JsonContent.Create(body, options: Json), ct, channel, HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        await foreach (var item in SseParser.Create(stream, (_, data) => JsonSerializer.Deserialize<JsonElement>(data)).EnumerateAsync(ct))
            yield return item;
    }

    public async Task DeleteAsync(string url, CancellationToken ct = default)
    {
        using var response = await SendRawAsync(HttpMethod.Delete, url, null, ct);
    }

    /// <summary>Uploads a file as multipart/form-data, reporting the bytes sent.</summary>
    public Task<T> UploadAsync<T>(string url, string fileName, Stream content, long length, IProgress<long>? progress, CancellationToken ct = default)
    {
        var form = new MultipartFormDataContent();
        var file = new StreamContent(new ProgressStream(content, progress));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        file.Headers.ContentLength = length;
        form.Add(file, "file", fileName);
        return SendAsync<T>(HttpMethod.Post, url, form, ct);
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string url, HttpContent? content, CancellationToken ct)
    {
        using var response = await SendRawAsync(method, url, content, ct);
        return (await response.Content.ReadFromJsonAsync<T>(Json, ct))!;
    }

    private async Task<HttpResponseMessage> SendRawAsync(
        HttpMethod method, string url, HttpContent? content, CancellationToken ct, string? channel = null, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        using var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Add("Cookie", $"{PortalIdentity.CookieName}={await credential.CookieAsync()}");
        if (channel is not null) request.Headers.Add(AskAsChannel.Header, channel);
        var response = await http.SendAsync(request, completion, ct);
        if (response.IsSuccessStatusCode) return response;
        using (response)
        {
            string? code = null;
            var message = $"The server answered {(int)response.StatusCode} {response.ReasonPhrase}.";
            try
            {
                var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Json, ct);
                if (problem.TryGetProperty("code", out var c)) code = c.GetString();
                if (problem.TryGetProperty("detail", out var d) && d.GetString() is { Length: > 0 } detail) message = detail;
                else if (problem.TryGetProperty("title", out var t) && t.GetString() is { Length: > 0 } title) message = title;
            }
            catch (JsonException)
            {
                // Not Problem Details: keep the status line.
            }
            throw new PortalApiException((int)response.StatusCode, code, message);
        }
    }

    /// <summary>Counts the bytes the HTTP client reads from the upload.</summary>
    private sealed class ProgressStream(Stream inner, IProgress<long>? progress) : Stream
    {
        private long _sent;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => _sent; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Report(inner.Read(buffer, offset, count));
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Report(await inner.ReadAsync(buffer, cancellationToken));
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Report(int read)
        {
            _sent += read;
            progress?.Report(_sent);
            return read;
        }
    }
}
