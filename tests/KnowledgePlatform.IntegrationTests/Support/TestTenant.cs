namespace KnowledgePlatform.IntegrationTests.Support;

/// <summary>A tenant a test created on its server: its id (the test's name for it plus a number unique on the server), its admin key and first knowledge base.</summary>
public sealed record TestTenant(string Id, string Key, string KnowledgeBase);
