namespace KnowledgePlatform.IntegrationTests.Support;

/// <summary>A test class's platform on a database of its own on the run's PostgreSQL server: <c>IClassFixture&lt;PostgresPlatform&gt;</c>.</summary>
public sealed class PostgresPlatform(PostgresServer server) : TestPlatform(TestDatabase.Postgres(server));
