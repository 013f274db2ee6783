using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure;
using KnowledgePlatform.Infrastructure.Indexing;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>
/// The real server on Kestrel (a real loopback port), with its embedded stores in a temp folder that
/// outlives the host, so a test can stop it and start another on the same data.
/// </summary>
public sealed class PlatformHost : WebApplicationFactory<Program>
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) } };

    private readonly Dictionary<string, string> _settings;
    private readonly ILoggerProvider? _logs;
    private readonly Action<IServiceCollection>? _services;
    private readonly EmbeddedChunkIndex? _index;
    /// <summary>The server's warnings and errors, kept for <see cref="CreateHost"/> to find why a start failed.</summary>
    private readonly LogCapture _startLog = new();

    /// <param name="services">Registrations that replace the server's own (a scripted chat model).</param>
    public PlatformHost(string dataPath, IReadOnlyDictionary<string, string>? settings = null, ILoggerProvider? logs = null, Action<IServiceCollection>? services = null)
    {
        _logs = logs;
        _services = services;
        DataPath = dataPath;
        _settings = new Dictionary<string, string>
        {
            ["Storage:DataPath"] = dataPath,
            // Kestrel takes a free port from the server's own settings: the factory's UseKestrel(0) writes the port into the
            // server's addresses from this thread while the server's own Run may already be starting it on its thread.
            ["urls"] = "http://127.0.0.1:0",
            ["Demo:Enabled"] = "false",
            ["Ingestion:MaxUploadBytes"] = (256 * 1024).ToString(),
            ["Ingestion:PollInterval"] = "00:00:00.200",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string>()) _settings[k] = v;
        UseKestrel();
        StartServer();
        BootstrapBlazorStatics.Started(Services);
        _index = Services.GetRequiredService<IOptions<StorageOptions>>().Value.IsQdrant ? null : Services.GetRequiredService<EmbeddedChunkIndex>();
    }

    public override async ValueTask DisposeAsync()
    {
        BootstrapBlazorStatics.Stopping(Services);
        await base.DisposeAsync();
        // The server's own Run disposes its services on its thread, racing the factory's disposal, and the loser returns
        // at once. The embedded index's Dispose returns only once its files are closed, whoever calls it: called again
        // here, the data folder is free when this returns (a test deletes it next).
        _index?.Dispose();
    }

    public string DataPath { get; }

    protected override IHost CreateHost(IHostBuilder builder)
    {
        try
        {
            return base.CreateHost(builder);
        }
        catch (ObjectDisposedException) when (StartFailure() is { } reason)
        {
            // The server's own Run starts the host on its thread while the factory, on this one, looks at the host it
            // built and waits for the start. When the start fails fast, Run disposes the host first and the factory sees
            // only the disposed services: report the reason the host logged instead.
            ExceptionDispatchInfo.Throw(reason);
            throw;
        }
    }

    /// <summary>The exception with which the host reported that it failed to start ("Hosting failed to start").</summary>
    private Exception? StartFailure() =>
        _startLog.Failures.FirstOrDefault(e => e.Category == "Microsoft.Extensions.Hosting.Internal.Host" && e.Exception is not null)?.Exception;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        builder.ConfigureLogging(logging => logging.AddProvider(_startLog));
        if (_logs is not null) builder.ConfigureLogging(logging => logging.AddProvider(_logs));
        if (_services is not null) builder.ConfigureTestServices(_services);
    }

    /// <summary>Creates a tenant with a key and a knowledge base directly in the database; returns the key.</summary>
    public async Task<string> CreateTenantAsync(string tenantId, string knowledgeBase, CancellationToken ct)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        var secret = ApiKeys.Generate();
        db.Tenants.Add(new Tenant { Id = tenantId, Name = tenantId });
        db.ApiKeys.Add(ApiKeys.Create(tenantId, "test", secret));
        await db.SaveChangesAsync(ct);
        using var client = Client(secret);
        using var response = await client.PostAsJsonAsync("/api/v1/knowledge-bases", new { name = knowledgeBase, vertical = "general" }, Json, ct);
        response.EnsureSuccessStatusCode();
        return secret;
    }

    /// <summary>An absolute address on this host's real server, for a browser.</summary>
    public string Url(string path)
    {
        using var client = Client();
        return new Uri(client.BaseAddress!, path).ToString();
    }

    public HttpClient Client(string? apiKey = null)
    {
        var client = CreateClient();
        if (apiKey is not null) client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return client;
    }

    public static async Task<HttpResponseMessage> UploadAsync(HttpClient client, string kb, string fileName, byte[] content, CancellationToken ct)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", fileName);
        return await client.PostAsync($"/api/v1/knowledge-bases/{kb}/documents", form, ct);
    }

    public static Task<HttpResponseMessage> UploadAsync(HttpClient client, string kb, string fileName, string content, CancellationToken ct) =>
        UploadAsync(client, kb, fileName, Encoding.UTF8.GetBytes(content), ct);

    /// <summary>Uploads a document and waits until it is ingested; returns its final status.</summary>
    public static async Task<JsonElement> IngestAsync(HttpClient client, string kb, string fileName, byte[] content, CancellationToken ct)
    {
        using var upload = await UploadAsync(client, kb, fileName, content, ct);
        upload.EnsureSuccessStatusCode();
        var accepted = await upload.Content.ReadFromJsonAsync<JsonElement>(ct);
        return await WaitForIngestionAsync(client, accepted.GetProperty("statusUrl").GetString()!, ct);
    }

    /// <summary>Uploads a text file and waits until it is ingested; fails the test unless it ends ready. Returns the document.</summary>
    public static async Task<JsonElement> IngestAsync(HttpClient client, string kb, string fileName, string content, CancellationToken ct)
    {
        var document = await IngestAsync(client, kb, fileName, Encoding.UTF8.GetBytes(content), ct);
        Assert.Equal("ready", document.GetProperty("status").GetString());
        return document;
    }

    /// <summary>Follows the status URL until the document is ready or failed (or the time runs out).</summary>
    public static async Task<JsonElement> WaitForIngestionAsync(HttpClient client, string statusUrl, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var document = await client.GetFromJsonAsync<JsonElement>(statusUrl, ct);
            var status = document.GetProperty("status").GetString();
            if (status is "ready" or "failed" || DateTime.UtcNow > deadline) return document;
            await Task.Delay(100, ct);
        }
    }

    public static string NewDataPath() => Path.Combine(Path.GetTempPath(), "kp-it-" + Guid.NewGuid().ToString("N"));
}
