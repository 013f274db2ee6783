using System.IO.Compression;
using System.Security.Cryptography;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
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

    /// <summary>GET /widget.js: the embeddable chat widget, gzipped when the browser accepts it, cached for an hour, revalidated by ETag.</summary>
    public static IApplicationBuilder UseWidgetScript(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)) || context.Request.Path != "/widget.js")
        {
            await next(context);
            return;
        }
        var script = context.RequestServices.GetRequiredService<WidgetScript>();
        var headers = context.Response.Headers;
        headers.ETag = script.ETag;
        headers.CacheControl = "public, max-age=3600";
        headers.Vary = "Accept-Encoding";
        headers.XContentTypeOptions = "nosniff";
        if (context.Request.Headers.IfNoneMatch.ToString() == script.ETag)
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        context.Response.ContentType = "text/javascript; charset=utf-8";
        var gzip = context.Request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase);
        var body = gzip ? script.Gzipped : script.Plain;
        if (gzip) headers.ContentEncoding = "gzip";
        context.Response.ContentLength = body.Length;
        if (HttpMethods.IsGet(context.Request.Method)) await context.Response.Body.WriteAsync(body, context.RequestAborted);
    });
}

/// <summary>The widget script, embedded in the server assembly (Channels/widget.js), with its gzipped form.</summary>
public sealed record WidgetScript(byte[] Plain, byte[] Gzipped, string ETag)
{
    public const string ResourceName = "KnowledgePlatform.Server.widget.js";

    public static WidgetScript Load()
    {
        using var resource = typeof(WidgetScript).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The widget script resource {ResourceName} is missing from the build.");
        using var plain = new MemoryStream();
        resource.CopyTo(plain);
        var bytes = plain.ToArray();
        using var zipped = new MemoryStream();
        using (var gzip = new GZipStream(zipped, CompressionLevel.SmallestSize, leaveOpen: true)) gzip.Write(bytes);
        return new WidgetScript(bytes, zipped.ToArray(), $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]}\"");
    }
}
