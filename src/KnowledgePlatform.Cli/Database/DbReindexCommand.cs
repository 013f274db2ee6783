using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Database;

/// <summary>
/// `kp db reindex`: rebuilds the chunk index (embedded or Qdrant, Storage:Index) from the chunks and
/// embeddings in the metadata database, without re-embedding: after losing or replacing the index.
/// </summary>
public sealed class DbReindexCommand : AsyncCommand<ReindexSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, ReindexSettings settings, CancellationToken cancellationToken) => Clients.RunAsync(async () =>
    {
        using var host = StorageHost.Build(settings);
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        if ((await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.GetPendingMigrationsAsync(db.Database, cancellationToken)).Any())
            throw new CliException("The metadata database is not migrated: run `kp db migrate` first.");
        var index = scope.ServiceProvider.GetRequiredService<KnowledgePlatform.Core.Ports.IChunkIndex>();
        var rebuilder = scope.ServiceProvider.GetRequiredService<KnowledgePlatform.Infrastructure.Indexing.ChunkIndexRebuilder>();
        var kbs = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
            db.KnowledgeBases.Where(k => settings.KnowledgeBase == null || k.Id == settings.KnowledgeBase), cancellationToken);
        if (kbs.Count == 0) throw new CliException(settings.KnowledgeBase is null ? "There are no knowledge bases." : $"No knowledge base with id '{settings.KnowledgeBase}'.");

        var table = new Table().AddColumns("Knowledge base", "Tenant", "Chunks");
        foreach (var kb in kbs)
        {
            // Clear first: chunks of documents deleted meanwhile must not survive in the index.
            await index.DeleteKnowledgeBaseAsync(kb.TenantId, kb.Id, cancellationToken);
            var chunks = await rebuilder.ReindexAsync(index, kb.Id, cancellationToken);
            table.AddRow(Markup.Escape($"{kb.Name} ({kb.Id})"), Markup.Escape(kb.TenantId), chunks.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        if (index is IDisposable disposable) disposable.Dispose();
        AnsiConsole.Write(table);
        return 0;
    });
}
