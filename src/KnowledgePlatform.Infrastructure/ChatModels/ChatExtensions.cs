using KnowledgePlatform.Infrastructure.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Infrastructure.ChatModels;

public static class ChatExtensions
{
    private const string ProviderKey = "chat-provider";

    /// <summary>The IHttpClientFactory client of an OpenAI-compatible chat endpoint.</summary>
    public const string HttpClientName = "chat-model";

    /// <summary>
    /// The chat model named by Chat:Provider, as an <see cref="IChatClient"/> with the configured defaults
    /// (temperature, seed, answer length). Nothing is registered for "extractive", so answering falls back
    /// to quoting the evidence. A llamasharp model is loaded while the host starts.
    /// </summary>
    public static IHostApplicationBuilder AddChat(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ChatModelOptions>()
            .Bind(builder.Configuration.GetSection(ChatModelOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ChatModelOptions>, ChatModelOptionsValidator>();

        var configured = builder.Configuration.GetSection(ChatModelOptions.Section).Get<ChatModelOptions>() ?? new ChatModelOptions();
        switch (configured.Provider)
        {
            case ChatModelOptions.LlamaSharp:
                builder.AddLlamaModel(ChatModelOptions.Section);
                builder.Services.AddKeyedSingleton<IChatClient>(ProviderKey, (sp, _) =>
                    new LlamaChatClient(sp.GetRequiredService<LlamaModel>(), sp.GetRequiredService<IOptions<ChatModelOptions>>().Value.MaxTokens));
                builder.Services.AddHostedService<ChatModelWarmup>();
                break;
            case ChatModelOptions.OpenAiCompatible when Uri.TryCreate(configured.BaseUrl, UriKind.Absolute, out var endpoint):
                // The OpenAI SDK through Microsoft.Extensions.AI, pointed at any OpenAI-style endpoint, over a client from
                // IHttpClientFactory (the platform's cookie-less handler).
                builder.Services.AddHttpClient(HttpClientName, http => http.Timeout = configured.Timeout);
                builder.Services.AddKeyedSingleton<IChatClient>(ProviderKey, (sp, _) => new OpenAI.Chat.ChatClient(
                    configured.Model ?? "",
                    OpenAiCompatibleEndpoint.Credential(configured.ApiKey),
                    OpenAiCompatibleEndpoint.Options(endpoint, sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName), configured.Timeout)).AsIChatClient());
                break;
            default:
                return builder;
        }
        builder.Services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<ChatModelOptions>>().Value;
            return sp.GetRequiredKeyedService<IChatClient>(ProviderKey).AsBuilder()
                .ConfigureOptions(options =>
                {
                    options.Temperature ??= o.Temperature;
                    options.Seed ??= o.Seed;
                    options.MaxOutputTokens ??= o.MaxTokens;
                })
                .Build(sp);
        });
        return builder;
    }
}

/// <summary>Loads the in-process model while the host starts, so a model llama.cpp refuses stops the start with its reason.</summary>
internal sealed class ChatModelWarmup(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.Run(() => services.GetRequiredService<LlamaModel>(), cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
