using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Embeddings;
using KnowledgePlatform.Infrastructure.Files;
using KnowledgePlatform.Infrastructure.Indexing;
using KnowledgePlatform.Infrastructure.Indexing.Qdrant;
using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Infrastructure;

public static class InfrastructureExtensions
{
    /// <summary>
    /// Metadata (EF Core on SQLite or PostgreSQL, Storage:Provider), the chunk index (embedded vector index +
    /// our BM25 index, or Qdrant: Storage:Index) and the file store under Storage:DataPath. The schema is migrated
    /// and the embedded index made consistent before the host starts.
    /// </summary>
    public static IHostApplicationBuilder AddStorage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>()
            .Bind(builder.Configuration.GetSection(StorageOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => CanWrite(o.FullDataPath), "Storage:DataPath must be a folder this process can create and write to.")
            .ValidateOnStart();

        // Both contexts are registered; the configured provider decides which one KnowledgeDbContext is.
        builder.Services.AddDbContext<SqliteKnowledgeDbContext>((sp, options) =>
        {
            var storage = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            Directory.CreateDirectory(storage.FullDataPath);
            MetadataDatabase.UseSqlite(options, storage.EffectiveConnectionString);
        });
        builder.Services.AddDbContext<PostgresKnowledgeDbContext>((sp, options) =>
            MetadataDatabase.UsePostgres(options, sp.GetRequiredService<IOptions<StorageOptions>>().Value.ConnectionString!));
        builder.Services.AddScoped<KnowledgeDbContext>(sp => sp.GetRequiredService<IOptions<StorageOptions>>().Value.IsPostgres
            ? sp.GetRequiredService<PostgresKnowledgeDbContext>()
            : sp.GetRequiredService<SqliteKnowledgeDbContext>());
        builder.Services.TryAddSingletonTimeProvider();
        builder.Services.AddScoped<IIngestionStore, EfIngestionStore>();
        builder.Services.AddScoped<ISourceStore, EfSourceStore>();
        builder.Services.AddOptions<ConversationOptions>()
            .Bind(builder.Configuration.GetSection(ConversationOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddScoped<IConversationStore, EfConversationStore>();
        builder.Services.AddScoped<TenantDeletion>();
        builder.Services.AddSingleton(sp =>
        {
            var storage = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return new EmbeddedChunkIndex(Path.Combine(storage.FullDataPath, "index"), precision: storage.VectorPrecision);
        });
        builder.Services.AddScoped<EmbeddedIndexBootstrapper>();
        builder.Services.AddScoped<ChunkIndexRebuilder>();
        builder.Services.AddScoped<Reembedder>();
        builder.Services.AddScoped<Maintenance.StorageDoctor>();
        builder.AddQdrant();
        builder.Services.AddSingleton<IChunkIndex>(sp => sp.GetRequiredService<IOptions<StorageOptions>>().Value.IsQdrant
            ? sp.GetRequiredService<QdrantChunkIndex>()
            : sp.GetRequiredService<EmbeddedChunkIndex>());

        builder.Services.AddSingleton<IFileStore>(sp =>
            new LocalFileStore(Path.Combine(sp.GetRequiredService<IOptions<StorageOptions>>().Value.FullDataPath, "files")));
        builder.Services.AddHostedService<StorageInitializer>();
        builder.Services.AddHealthChecks().AddDbContextCheck<KnowledgeDbContext>("metadata", tags: [Telemetry.PlatformHealth.ReadyTag]);
        return builder;
    }

    /// <summary>
    /// The embedding models of the "Embedding" section behind <see cref="EmbeddingModelRegistry"/>; the
    /// default one also as the plain IEmbeddingGenerator and EmbeddingModelCard.
    /// </summary>
    public static IHostApplicationBuilder AddEmbeddings(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHttpClient(OpenAiEmbeddingGenerator.HttpClientName, http => http.Timeout = TimeSpan.FromMinutes(2));
        builder.Services.AddOptions<EmbeddingOptions>()
            .Bind(builder.Configuration.GetSection(EmbeddingOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => !o.Problems().Any(), "Embedding settings are inconsistent.")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<EmbeddingOptions>>().Value;
            if (o.Problems().FirstOrDefault() is { } problem) throw new OptionsValidationException(EmbeddingOptions.Section, typeof(EmbeddingOptions), [problem]);
            var http = sp.GetRequiredService<IHttpClientFactory>();
            return new EmbeddingModelRegistry([.. new[] { (EmbeddingModelOptions)o }.Concat(o.Additional).Select(m => Create(m, o, http))]);
        });
        builder.Services.AddSingleton(sp => sp.GetRequiredService<EmbeddingModelRegistry>().Default.Card);
        builder.Services.AddSingleton(sp => sp.GetRequiredService<EmbeddingModelRegistry>().Default.Generator);
        builder.Services.AddSingleton<ITokenCounter, ArcticTokenCounter>();
        return builder;
    }

    private static EmbeddingModel Create(EmbeddingModelOptions m, EmbeddingOptions embedding, IHttpClientFactory http) => new(m.Card(), m.Provider switch
    {
        "openai" => new OpenAiEmbeddingGenerator(http.CreateClient(OpenAiEmbeddingGenerator.HttpClientName), m.Card(), new Uri(m.Endpoint!), m.ApiKey),
        _ when embedding.Runtime == "package" => new ArcticXsEmbeddingGenerator(m.Card(), embedding.Threads),
        _ => new OnnxEmbeddingGenerator(m.Card(), embedding.Threads, OnnxBatching.From(embedding)),
    });

    private static void TryAddSingletonTimeProvider(this IServiceCollection services)
    {
        if (services.All(s => s.ServiceType != typeof(TimeProvider))) services.AddSingleton(TimeProvider.System);
    }

    private static bool CanWrite(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
            var probe = Path.Combine(folder, $".write-probe-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
