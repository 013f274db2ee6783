using KnowledgePlatform.Server.Api.Middleware;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace KnowledgePlatform.Server.Channels;

public static class ChannelSetup
{
    /// <summary>Idempotent writes, handoff webhooks (the outbox and its dispatcher) and the widget script.</summary>
    public static IHostApplicationBuilder AddChannels(this IHostApplicationBuilder builder)
    {
        builder.AddIdempotency();
        builder.Services.AddOptions<HandoffOptions>().Bind(builder.Configuration.GetSection(HandoffOptions.Section)).ValidateDataAnnotations()
            .Validate(o => o.FirstRetryDelay <= o.MaxRetryDelay, "Channels:Handoff:FirstRetryDelay must not be longer than Channels:Handoff:MaxRetryDelay.")
            .ValidateOnStart();
        builder.Services.AddScoped<WebhookSecrets>();
        builder.Services.AddSingleton<WebhookDispatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        // One round of attempts: a timeout per attempt and quick retries with exponential backoff and jitter (Polly).
        var webhooks = builder.Services.AddHttpClient(WebhookDispatcher.ClientName, c => c.Timeout = TimeSpan.FromMinutes(2));
        webhooks.AddResilienceHandler("webhook-round", (pipeline, context) =>
            {
                var handoff = context.ServiceProvider.GetRequiredService<IOptions<HandoffOptions>>().Value;
                if (handoff.RetriesPerRound > 0)
                {
                    pipeline.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = handoff.RetriesPerRound,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        Delay = TimeSpan.FromSeconds(1),
                    });
                }
                pipeline.AddTimeout(handoff.WebhookTimeout);
            });
        webhooks.AddHttpMessageHandler(() => new WebhookDispatcher.AttemptCountingHandler());
        builder.Services.AddSingleton(WidgetScript.Load());
        return builder;
    }
}
