using KnowledgePlatform.Core.Ports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Qdrant.Client;

namespace KnowledgePlatform.Infrastructure.Indexing.Qdrant;

internal static class QdrantRegistration
{
    /// <summary>The Qdrant adapter and its client; only resolved (and its options only validated) when Storage:Index is "qdrant".</summary>
    public static void AddQdrant(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<QdrantOptions>()
            .Bind(builder.Configuration.GetSection(QdrantOptions.Section))
            .ValidateDataAnnotations();
        builder.Services.AddSingleton(sp =>
        {
            var o = Options(sp);
            return new QdrantClient(new Uri(o.Url), o.ApiKey, o.Timeout, sp.GetRequiredService<ILoggerFactory>());
        });
        builder.Services.AddSingleton(sp => new QdrantSchema(sp.GetRequiredService<EmbeddingModelCard>(), Options(sp)));
        builder.Services.AddSingleton<ILiveGenerations, DatabaseLiveGenerations>();
        builder.Services.AddSingleton(sp => new QdrantChunkIndex(sp.GetRequiredService<QdrantClient>(), sp.GetRequiredService<QdrantSchema>(), Options(sp),
            sp.GetRequiredService<ILiveGenerations>(), sp.GetRequiredService<ILogger<QdrantChunkIndex>>(), sp.GetRequiredService<TimeProvider>()));
    }

    private static QdrantOptions Options(IServiceProvider sp) => sp.GetRequiredService<IOptions<QdrantOptions>>().Value;
}
