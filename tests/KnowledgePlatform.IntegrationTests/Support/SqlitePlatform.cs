namespace KnowledgePlatform.IntegrationTests.Support;

/// <summary>A test class's platform on SQLite: <c>IClassFixture&lt;SqlitePlatform&gt;</c>.</summary>
public sealed class SqlitePlatform() : TestPlatform(TestDatabase.Sqlite());
