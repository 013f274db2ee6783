using KnowledgePlatform.Core.Policies;
using KnowledgePlatform.Rag.Answering;
using KnowledgePlatform.Rag.Retrieval;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

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
        builder.Services.AddSingleton<Retriever>();
        builder.Services.AddSingleton<IAnswerGenerator, ExtractiveAnswerer>();
        builder.Services.AddSingleton<AnswerService>();
        builder.Services.TryAddSingleton(new Redactor());
        builder.Services.AddSingleton<PolicyEnforcer>();
        return builder;
    }
}
