using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Embeddings;
using KnowledgePlatform.Infrastructure.Files;
using KnowledgePlatform.Infrastructure.Indexing;
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
    /// Metadata (EF Core on SQLite), the embedded chunk index (USearch + FTS5) and the file store,
    /// all under Storage:DataPath. The database and index are made consistent before the host starts.
    /// </summary>
    public static IHostApplicationBuilder AddStorage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>()
            .Bind(builder.Configuration.GetSection(StorageOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => CanWrite(o.FullDataPath), "Storage:DataPath must be a folder this process can create and write to.")
            .ValidateOnStart();

        builder.Services.AddDbContext<KnowledgeDbContext>((sp, options) =>
        {
            var storage = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            Directory.CreateDirectory(storage.FullDataPath);
            var connection = storage.ConnectionString ?? $"Data Source={Path.Combine(storage.FullDataPath, "knowledge.db")};Pooling=True";
            options.UseSqlite(connection);
        });
        builder.Services.TryAddSingletonTimeProvider();
        builder.Services.AddScoped<IIngestionStore, EfIngestionStore>();
        builder.Services.AddSingleton(sp => new EmbeddedChunkIndex(
            Path.Combine(sp.GetRequiredService<IOptions<StorageOptions>>().Value.FullDataPath, "index"),
            sp.GetRequiredService<EmbeddingModelCard>().Dimension));
        builder.Services.AddSingleton<IChunkIndex>(sp => sp.GetRequiredService<EmbeddedChunkIndex>());
        builder.Services.AddScoped<EmbeddedIndexBootstrapper>();
        builder.Services.AddSingleton<IFileStore>(sp =>
            new LocalFileStore(Path.Combine(sp.GetRequiredService<IOptions<StorageOptions>>().Value.FullDataPath, "files")));
        builder.Services.AddHostedService<StorageInitializer>();
        builder.Services.AddHealthChecks().AddDbContextCheck<KnowledgeDbContext>("metadata", tags: ["ready"]);
        return builder;
    }

    /// <summary>The embedding model named in the "Embedding" section, behind IEmbeddingGenerator.</summary>
    public static IHostApplicationBuilder AddEmbeddings(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<EmbeddingOptions>()
            .Bind(builder.Configuration.GetSection(EmbeddingOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<EmbeddingOptions>>().Value;
            return new EmbeddingModelCard(o.Model, o.Dimension, o.MaxTokens, o.QueryPrefix);
        });
        // Singletons are built on first use: only the configured runtime loads the model.
        builder.Services.AddSingleton(sp => new OnnxEmbeddingGenerator(sp.GetRequiredService<EmbeddingModelCard>(),
            sp.GetRequiredService<IOptions<EmbeddingOptions>>().Value.Threads, OnnxBatching.From(sp.GetRequiredService<IOptions<EmbeddingOptions>>().Value)));
        builder.Services.AddSingleton(sp => new ArcticXsEmbeddingGenerator(
            sp.GetRequiredService<EmbeddingModelCard>(), sp.GetRequiredService<IOptions<EmbeddingOptions>>().Value.Threads));
        builder.Services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp => sp.GetRequiredService<IOptions<EmbeddingOptions>>().Value.Runtime == "package"
            ? sp.GetRequiredService<ArcticXsEmbeddingGenerator>() : sp.GetRequiredService<OnnxEmbeddingGenerator>());
        builder.Services.AddSingleton<ITokenCounter>(sp => sp.GetRequiredService<IOptions<EmbeddingOptions>>().Value.Runtime == "package"
            ? sp.GetRequiredService<ArcticXsEmbeddingGenerator>() : sp.GetRequiredService<OnnxEmbeddingGenerator>());
        return builder;
    }

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
