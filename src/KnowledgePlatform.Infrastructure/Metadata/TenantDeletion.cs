using KnowledgePlatform.Core.Ports;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace KnowledgePlatform.Infrastructure.Metadata;

/// <summary>
/// Deletes everything of a tenant (decision 0150): its knowledge bases' index entries and stored files, then every
/// row of every table of the model that has a TenantId column, dependants before the rows they point to, and the
/// tenant itself. The tables come from the EF model, so a table added later is deleted without a change here;
/// rows without a TenantId of their own (conversation turns, a user's roles) go with their parent by cascade.
/// </summary>
public sealed class TenantDeletion(KnowledgeDbContext db, IChunkIndex index, IFileStore files)
{
    public const string TenantIdColumn = "TenantId";

    /// <summary>The entity types that carry a TenantId, in an order that deletes dependants first.</summary>
    public static IReadOnlyList<IEntityType> TenantOwnedTypes(IModel model)
    {
        var owned = model.GetEntityTypes().Where(t => t.FindProperty(TenantIdColumn) is not null && t.GetTableName() is not null).ToList();
        var ordered = new List<IEntityType>();
        var visiting = new HashSet<IEntityType>();
        void Visit(IEntityType type)
        {
            if (ordered.Contains(type) || !visiting.Add(type)) return;
            // Whatever points at this type is deleted before it.
            foreach (var dependant in owned.Where(o => o != type && o.GetForeignKeys().Any(fk => fk.PrincipalEntityType == type)))
                Visit(dependant);
            ordered.Add(type);
        }
        foreach (var type in owned) Visit(type);
        return ordered;
    }

    /// <summary>Deletes the tenant and everything of it; false when there is no such tenant.</summary>
    public async Task<bool> DeleteAsync(string tenantId, CancellationToken ct)
    {
        if (!await db.Tenants.AnyAsync(t => t.Id == tenantId, ct)) return false;
        // Index and files first: a crash after this leaves rows the start-up check cleans, never searchable orphans.
        var knowledgeBases = await db.KnowledgeBases.AsNoTracking().Where(k => k.TenantId == tenantId).Select(k => k.Id).ToListAsync(ct);
        foreach (var kb in knowledgeBases)
        {
            await index.DeleteKnowledgeBaseAsync(tenantId, kb, ct);
            await files.DeleteFolderAsync(FileKeys.KnowledgeBase(tenantId, kb), ct);
        }
        await files.DeleteFolderAsync(FileKeys.Tenant(tenantId), ct);

        var sql = db.GetService<ISqlGenerationHelper>();
        return await db.InTransactionAsync(async token =>
        {
            foreach (var type in TenantOwnedTypes(db.Model))
            {
                var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
                var column = type.FindProperty(TenantIdColumn)!.GetColumnName(table)!;
                var statement = $"DELETE FROM {sql.DelimitIdentifier(table.Name, table.Schema)} WHERE {sql.DelimitIdentifier(column)} = {{0}}";
                await db.Database.ExecuteSqlRawAsync(statement, [tenantId], token);
            }
            return await db.Tenants.Where(t => t.Id == tenantId).ExecuteDeleteAsync(token) == 1;
        }, ct);
    }
}
