using KnowledgePlatform.Rag.Answering.Extractive;
using KnowledgePlatform.Core.Policies;
using KnowledgePlatform.Rag.Answering;
using KnowledgePlatform.Rag.Orchestration;
using KnowledgePlatform.Rag.Retrieval;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Rag;

public static class RagServiceCollectionExtensions
{
    /// <summary>
    /// Hybrid retrieval and the answering journey. With an <see cref="IChatClient"/> registered (a chat
    /// provider, see AddChat) answers come from the model, grounded by the orchestrator; without one,
    /// from the extractive answerer.
    /// </summary>
    public static IHostApplicationBuilder AddRag(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RetrievalOptions>()
            .Bind(builder.Configuration.GetSection(RetrievalOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<AnsweringOptions>()
            .Bind(builder.Configuration.GetSection(AnsweringOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => PromptLibrary.Names.All(n => File.Exists(Path.Combine(o.FullPromptsPath, n + ".prompt"))),
                $"Answering:PromptsPath must be a folder holding the prompt templates ({string.Join(", ", PromptLibrary.Names.Select(n => n + ".prompt"))}).")
            .ValidateOnStart();
        builder.Services.AddKernel();
        builder.Services.AddOptions<RerankOptions>()
            .Bind(builder.Configuration.GetSection(RerankOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddHttpClient(HttpReranker.HttpClientName);
        builder.Services.AddSingleton(sp => new HttpReranker(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpReranker.HttpClientName), sp.GetRequiredService<IOptions<RerankOptions>>()));
        // Query rewriting needs a generative model: it is on exactly when an IChatClient is registered.
        builder.Services.AddSingleton(sp => new QueryRewriter(
            sp.GetService<Microsoft.Extensions.AI.IChatClient>(), sp.GetRequiredService<PromptLibrary>(), sp.GetRequiredService<ILogger<QueryRewriter>>()));
        builder.Services.AddSingleton<Retriever>();
        builder.Services.AddSingleton<PromptLibrary>();
        builder.Services.AddSingleton<ExtractiveAnswerer>();
        builder.Services.AddSingleton<IAnswerGenerator>(sp => sp.GetService<IChatClient>() is { } chat
            ? new GroundedAnswerer(chat, sp.GetRequiredService<PromptLibrary>(), sp.GetRequiredService<Microsoft.SemanticKernel.Kernel>())
            : sp.GetRequiredService<ExtractiveAnswerer>());
        builder.Services.AddSingleton<AnswerService>();
        builder.Services.TryAddSingleton(new Redactor());
        builder.Services.AddSingleton<PolicyEnforcer>();
        return builder;
    }
}
