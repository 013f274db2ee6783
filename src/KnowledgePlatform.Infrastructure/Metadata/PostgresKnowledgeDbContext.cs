using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Infrastructure.Metadata;

/// <summary>The production metadata database; migrations in Migrations/Postgres.</summary>
public sealed class PostgresKnowledgeDbContext(DbContextOptions<PostgresKnowledgeDbContext> options) : KnowledgeDbContext(options);
