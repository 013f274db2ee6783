using System.Runtime.CompilerServices;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Policies;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure;
using KnowledgePlatform.Infrastructure.Embeddings;
using KnowledgePlatform.Infrastructure.Indexing;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Infrastructure.ChatModels;
using KnowledgePlatform.Ingestion;
using KnowledgePlatform.Ingestion.Intake;
using KnowledgePlatform.Ingestion.Pipeline;
using KnowledgePlatform.Rag;
using KnowledgePlatform.Rag.Answering;
using KnowledgePlatform.Rag.Retrieval;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Cli;

/// <summary>Runs the platform's own services in this process against the embedded stores.</summary>
public sealed class EmbeddedClient : IKnowledgeClient
{
    private readonly IHost _host;
    private readonly string _tenantId;

    private EmbeddedClient(IHost host, string tenantId) => (_host, _tenantId) = (host, tenantId);

    public static async Task<EmbeddedClient> OpenAsync(CommonSettings settings, CancellationToken cancellationToken)
    {
        // appsettings.json next to the program, then environment variables (Chat__Provider=llamasharp, …).
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection([
            new("Storage:DataPath", Path.GetFullPath(settings.Data ?? "./data")),
            new("Logging:LogLevel:Default", "Warning"),
            new("Logging:LogLevel:Microsoft.Hosting.Lifetime", "Warning"),
        ]);
        builder.Configuration.AddEnvironmentVariables();
        builder.AddEmbeddings().AddStorage().AddIngestion(runWorkers: false).AddChat().AddRag();
        var host = builder.Build();
        await host.StartAsync(cancellationToken);

        await using var scope = host.Services.CreateAsyncScope();
        var key = await scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>().FindApiKeyAsync(settings.Key!, cancellationToken);
        if (key is null)
        {
            await host.StopAsync(cancellationToken);
            host.Dispose();
            throw new CliException("The API key is not valid for these stores.");
        }
        return new EmbeddedClient(host, key.TenantId);
    }

    public async Task<IReadOnlyList<IngestOutcome>> IngestAsync(string knowledgeBase, IReadOnlyList<string> files, IProgress<IngestProgress> progress, CancellationToken cancellationToken)
    {
        var submitted = new Dictionary<string, string>();
        var outcomes = new List<IngestOutcome>();
        // Work the queue in the background from the first upload on, while the foreground submits the files and then
        // reports progress from the database.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var worker = Task.Run(() => WorkAsync(stop.Token), CancellationToken.None);
        try
        {
            await SubmitAsync(knowledgeBase, files, submitted, outcomes, progress, cancellationToken);
            while (true)
            {
                await using var scope = _host.Services.CreateAsyncScope();
                var ids = submitted.Keys.ToList();
                var documents = await scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>().Documents.AsNoTracking()
                    .Where(d => ids.Contains(d.Id)).ToListAsync(cancellationToken);
                foreach (var d in documents)
                    progress.Report(new IngestProgress(submitted[d.Id], d.Status.ToString().ToLowerInvariant(), d.Step, d.Status is DocumentStatus.Ready or DocumentStatus.Failed ? 100 : d.ProgressPercent));
                if (documents.All(d => d.Status is DocumentStatus.Ready or DocumentStatus.Failed))
                {
                    outcomes.AddRange(documents.Select(d => new IngestOutcome(submitted[d.Id], d.Status.ToString().ToLowerInvariant(), d.ChunkCount, d.Error)));
                    return outcomes;
                }
                if (worker.IsFaulted) await worker;
                await Task.Delay(200, cancellationToken);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await worker.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            _host.Services.GetRequiredService<EmbeddedChunkIndex>().Flush();
        }
    }

    /// <summary>Uploads each file through the intake (creating the knowledge base if needed); a refused file is an outcome at once.</summary>
    private async Task SubmitAsync(string knowledgeBase, IReadOnlyList<string> files, Dictionary<string, string> submitted,
        List<IngestOutcome> outcomes, IProgress<IngestProgress> progress, CancellationToken cancellationToken)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        var kb = await db.FindKnowledgeBaseAsync(_tenantId, knowledgeBase, cancellationToken);
        if (kb is null)
        {
            kb = KnowledgeBase.Create(_tenantId, knowledgeBase, Vertical.General, scope.ServiceProvider.GetRequiredService<EmbeddingModelCard>());
            db.KnowledgeBases.Add(kb);
            await db.SaveChangesAsync(cancellationToken);
        }
        var intake = scope.ServiceProvider.GetRequiredService<DocumentIntake>();
        foreach (var file in files)
        {
            try
            {
                await using var content = File.OpenRead(file);
                submitted[(await intake.SubmitAsync(kb, Path.GetFileName(file), content, cancellationToken)).Document.Id] = file;
            }
            catch (IntakeException ex)
            {
                outcomes.Add(new IngestOutcome(file, "refused", 0, ex.Message));
                progress.Report(new IngestProgress(file, "refused", null, 100));
            }
        }
    }

    /// <summary>
    /// As many jobs in flight as the server runs (Ingestion:Workers, at least one), so that a folder's short documents
    /// share the embedding model's calls (decision 0164).
    /// </summary>
    private Task WorkAsync(CancellationToken cancellationToken) =>
        WorkLoop.RunAsync(Math.Max(1, _host.Services.GetRequiredService<IOptions<IngestionOptions>>().Value.Workers), "kp",
            _host.Services.GetRequiredService<IServiceScopeFactory>(),
            (services, workerId, ct) => services.GetRequiredService<IngestionRunner>().RunNextAsync(workerId, ct),
            _host.Services.GetRequiredService<IngestionSignal>(), TimeSpan.FromMilliseconds(100),
            _host.Services.GetRequiredService<ILogger<EmbeddedClient>>(), cancellationToken);

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(string knowledgeBase, string query, int top, CancellationToken cancellationToken)
    {
        var kb = await FindAsync(knowledgeBase, cancellationToken);
        var result = await _host.Services.GetRequiredService<Retriever>().SearchAsync(Request(kb, query) with { Top = top }, cancellationToken);
        return result.Hits.Select(h => new SearchHit(h.Chunk.DocumentTitle, h.Chunk.FileName, h.Chunk.Location, h.Score, h.Chunk.Text)).ToList();
    }

    public async IAsyncEnumerable<AnswerEvent> AskAsync(string knowledgeBase, string question, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var kb = await FindAsync(knowledgeBase, cancellationToken);
        SecurityPolicy policy;
        await using (var scope = _host.Services.CreateAsyncScope())
        {
            policy = await scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>().PolicyOfAsync(_tenantId, [kb], cancellationToken);
        }
        // The same policy as every other channel.
        var actions = new PolicyActions();
        var answers = _host.Services.GetRequiredService<AnswerService>();
        var events = PolicyEnforcer.BlockedTopic(policy, question) is { } topic
            ? PolicyEnforcer.Refuse(policy, topic, actions)
            : _host.Services.GetRequiredService<PolicyEnforcer>().EnforceAsync(
                policy, answers.AskAsync(Request(kb, question), AnswerPolicy.For(kb), cancellationToken), actions, cancellationToken);
        await foreach (var e in events.WithCancellation(cancellationToken))
            yield return e;
    }

    /// <summary>Re-embeds a knowledge base with another configured model (null: the default) and rebuilds its index.</summary>
    public async Task<(string From, string To, int Chunks)> ReembedAsync(string knowledgeBase, string? model, IProgress<(int Done, int Total)> progress, CancellationToken cancellationToken)
    {
        var kb = await FindAsync(knowledgeBase, cancellationToken);
        await using var scope = _host.Services.CreateAsyncScope();
        var target = model ?? scope.ServiceProvider.GetRequiredService<EmbeddingModelRegistry>().Default.Card.Name;
        var chunks = await scope.ServiceProvider.GetRequiredService<Reembedder>().ReembedAsync(_tenantId, kb.Id, target, progress, cancellationToken);
        _host.Services.GetRequiredService<EmbeddedChunkIndex>().Flush();
        return (kb.EmbeddingModel, target, chunks);
    }

    /// <summary>A search of one knowledge base with its own retrieval settings and embedding model.</summary>
    private RetrievalRequest Request(KnowledgeBase kb, string query) =>
        new(_tenantId, [kb.Id], query) { Settings = kb.SearchSettings, EmbeddingModel = kb.EmbeddingModel };

    private async Task<KnowledgeBase> FindAsync(string knowledgeBase, CancellationToken cancellationToken)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>().FindKnowledgeBaseAsync(_tenantId, knowledgeBase, cancellationToken)
            ?? throw new CliException($"No knowledge base '{knowledgeBase}' for this key.");
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
