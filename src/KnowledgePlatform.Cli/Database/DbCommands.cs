using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Database;

/// <summary>`kp db …`: storage operations for deployments.</summary>
public static class DbCommands
{
    public static void AddDbCommands(this IConfigurator config) => config.AddBranch("db", db =>
    {
        db.SetDescription("Storage operations: schema migrations and re-indexing.");
        db.AddCommand<DbMigrateCommand>("migrate").WithDescription("Apply pending migrations to the metadata database (SQLite or PostgreSQL).");
        db.AddCommand<DbReindexCommand>("reindex").WithDescription("Rebuild the chunk index (embedded or Qdrant) from the database, without re-embedding.");
    });

    /// <summary>`kp backup`, `kp restore`, `kp doctor`: keeping a deployment's data safe and consistent.</summary>
    public static void AddMaintenanceCommands(this IConfigurator config)
    {
        config.AddCommand<BackupCommand>("backup").WithDescription("Back up the embedded data folder (database and originals) while the server runs.")
            .WithExample("backup", "backup-2026-12-04.zip", "--data", "./data");
        config.AddCommand<RestoreCommand>("restore").WithDescription("Restore a backup into an empty data folder, migrated, with its index rebuilt.")
            .WithExample("restore", "backup-2026-12-04.zip", "--data", "./restored");
        config.AddCommand<DoctorCommand>("doctor").WithDescription("Check that the database, the index and the stored files agree; --repair fixes what it can.")
            .WithExample("doctor", "--data", "./data", "--repair");
    }
}
