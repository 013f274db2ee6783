using System.Net;
using KnowledgePlatform.Ingestion.Pipeline;
using KnowledgePlatform.Ingestion.Sources.Folder;
using KnowledgePlatform.Ingestion.Sources.Web;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Ingestion.Sources;

public static class SourcesSetup
{
    /// <summary>
    /// Sources kept in sync (decision 0080): the readers of web sites and folders, the runner, and, with
    /// <paramref name="runWorkers"/> and Sources:Workers above 0, the sync workers, the schedule and the folder watcher.
    /// </summary>
    public static IHostApplicationBuilder AddSources(this IHostApplicationBuilder builder, bool runWorkers)
    {
        builder.Services.AddOptions<SourceOptions>()
            .Bind(builder.Configuration.GetSection(SourceOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => o.Lease >= TimeSpan.FromSeconds(2) && o.PollInterval > TimeSpan.Zero, "Sources:Lease must be at least 2 seconds and Sources:PollInterval positive.")
            .ValidateOnStart();
        builder.Services.AddKeyedSingleton<IngestionSignal>(SyncWorker.SignalKey);

        // No cookies (decision on outbound HTTP), redirects handled by the reader (a redirect may leave the scope),
        // and no connection to private addresses unless the administrator allows it.
        builder.Services.AddHttpClient(WebSourceReader.HttpClientName, (sp, http) =>
            {
                var o = sp.GetRequiredService<IOptions<SourceOptions>>().Value;
                http.Timeout = o.RequestTimeout;
                http.DefaultRequestHeaders.UserAgent.ParseAdd(o.UserAgent);
            })
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                UseCookies = false,
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.All,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                ConnectCallback = PublicAddresses.Connect(sp.GetRequiredService<IOptions<SourceOptions>>().Value.AllowPrivateNetworks),
            });
        builder.Services.AddScoped<ISourceReader, WebSourceReader>();
        builder.Services.AddScoped<ISourceReader, FolderSourceReader>();
        builder.Services.AddScoped<DocumentRemover>();
        builder.Services.AddScoped<SyncRunner>();

        var workers = builder.Configuration.GetValue<int?>($"{SourceOptions.Section}:{nameof(SourceOptions.Workers)}") ?? 1;
        if (runWorkers && workers > 0)
        {
            builder.Services.AddHostedService<SyncWorker>();
            builder.Services.AddHostedService<FolderWatcher>();
        }
        return builder;
    }
}
