using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Infrastructure.Metadata;

/// <summary>The embedded metadata database; migrations in Migrations/Sqlite.</summary>
public sealed class SqliteKnowledgeDbContext(DbContextOptions<SqliteKnowledgeDbContext> options) : KnowledgeDbContext(options);
