using KnowledgePlatform.ModelHost;
using Microsoft.AspNetCore.Builder;

namespace KnowledgePlatform.IntegrationTests.Models;

/// <summary>The model host on a loopback port, serving the tiny MoE model (one thread per sequence).</summary>
public sealed class ModelHostFixture : IAsyncDisposable
{
    private ModelHostFixture(WebApplication app)
    {
        App = app;
        Address = app.Address();
    }

    public WebApplication App { get; }
    public Uri Address { get; }
    public Uri V1 => new(Address, "/v1/");

    public static async Task<ModelHostFixture> StartAsync(IDictionary<string, string?>? settings = null, string? modelPath = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["ModelHost:ModelPath"] = modelPath ?? TinyModel.Path,
            ["ModelHost:Threads"] = "1",
            ["ModelHost:ContextSize"] = "2048",
            ["Urls"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Embedding:Threads"] = "1",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) all[k] = v;
        var app = ModelHostApp.Create([], all);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return new ModelHostFixture(app);
    }

    public HttpClient Client() => new() { BaseAddress = Address, Timeout = TimeSpan.FromMinutes(2) };

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
