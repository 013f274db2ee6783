using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Infrastructure.Metadata;

/// <summary>Units of work the stores write together.</summary>
internal static class Transactions
{
    /// <summary>
    /// Runs the work in one transaction inside the provider's execution strategy, which retries the
    /// whole unit on a transient failure (PostgreSQL); a retrying strategy refuses bare transactions.
    /// </summary>
    public static Task<T> InTransactionAsync<T>(this KnowledgeDbContext db, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var result = await work(ct);
            await tx.CommitAsync(ct);
            db.ChangeTracker.Clear();
            return result;
        }, cancellationToken);
}
