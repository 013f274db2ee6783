using KnowledgePlatform.Infrastructure;
using KnowledgePlatform.Infrastructure.ChatModels;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.ModelHost;

/// <summary>Builds the model host; Program.cs runs it, the tests and `kp-bench model` start it in-process.</summary>
public static class ModelHostApp
{
    private static readonly Dictionary<string, string> Switches = new()
    {
        ["--model"] = "ModelHost:ModelPath",
        ["--model-id"] = "ModelHost:ModelId",
        ["--parallel"] = "ModelHost:Sequences",
        ["--queue"] = "ModelHost:QueueLimit",
        ["--ctx-size"] = "ModelHost:ContextSize",
        ["--threads"] = "ModelHost:Threads",
        ["--gpu-layers"] = "ModelHost:GpuLayers",
        ["--urls"] = "Urls",
    };

    /// <summary>Defaults, under appsettings.json, environment variables (ModelHost__ModelPath) and the command line.</summary>
    private static readonly Dictionary<string, string?> Defaults = new()
    {
        ["Urls"] = "http://localhost:8000",
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Embedding:Provider"] = "onnx",
        ["Embedding:Model"] = "snowflake-arctic-embed-xs",
        ["Embedding:Dimension"] = "384",
        ["Embedding:MaxTokens"] = "512",
        ["Embedding:QueryPrefix"] = "Represent this sentence for searching relevant passages: ",
    };

    public static WebApplication Create(string[] args, IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = Defaults });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        builder.Configuration.AddCommandLine(args, Switches);
        builder.AddModelHost();
        var app = builder.Build();
        app.MapOpenAi();
        return app;
    }

    public static IHostApplicationBuilder AddModelHost(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ModelHostOptions>()
            .Bind(builder.Configuration.GetSection(ModelHostOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.AddLlamaModel(ModelHostOptions.Section, "No model: start with --model PATH (a GGUF file) or set ModelHost:ModelPath.");
        builder.AddEmbeddings();
        builder.Services.AddSingleton<IChatClient>(sp => new LlamaChatClient(sp.GetRequiredService<LlamaModel>(), sp.GetRequiredService<IOptions<ModelHostOptions>>().Value.MaxTokens));
        builder.Services.AddSingleton(sp => new ServedModel(
            sp.GetRequiredService<IOptions<ModelHostOptions>>().Value.ModelId is { Length: > 0 } id ? id : sp.GetRequiredService<LlamaModel>().ModelId,
            DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        builder.Services.AddSingleton<RequestQueue>();
        builder.Services.AddSingleton<ModelReadiness>();
        builder.Services.AddHostedService<ModelLoader>();
        return builder;
    }

    /// <summary>The address the host listens on once started (the real port when configured with port 0).</summary>
    public static Uri Address(this WebApplication app) =>
        new(app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First());
}

/// <summary>Loads the model and the embedding model before the host listens: a bad file stops the start with its reason.</summary>
internal sealed class ModelLoader(IServiceProvider services, ModelReadiness readiness) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.Run(() =>
    {
        services.GetRequiredService<LlamaModel>();
        services.GetRequiredService<ServedModel>();
        services.GetRequiredService<Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>>();
        readiness.Loaded = true;
    }, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
