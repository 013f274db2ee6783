using KnowledgePlatform.Rag.Answering;
using KnowledgePlatform.Rag.Retrieval;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Rag;

public static class RagServiceCollectionExtensions
{
    /// <summary>Hybrid retrieval and the answer generator (extractive until a chat model is configured).</summary>
    public static IHostApplicationBuilder AddRag(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RetrievalOptions>()
            .Bind(builder.Configuration.GetSection(RetrievalOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<RerankOptions>()
            .Bind(builder.Configuration.GetSection(RerankOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => new HttpReranker(
            new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }), sp.GetRequiredService<IOptions<RerankOptions>>()));
        // Query rewriting needs a generative model: it is on exactly when an IChatClient is registered.
        builder.Services.AddSingleton(sp => new QueryRewriter(sp.GetService<Microsoft.Extensions.AI.IChatClient>(), sp.GetRequiredService<ILogger<QueryRewriter>>()));
        builder.Services.AddSingleton<Retriever>();
        builder.Services.AddSingleton<IAnswerGenerator, ExtractiveAnswerer>();
        builder.Services.AddSingleton<AnswerService>();
        return builder;
    }
}
