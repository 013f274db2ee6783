using System.Text.Json;

namespace KnowledgePlatform.Bench.Evaluation;

public sealed record BeirDocument(string Id, string Title, string Text);
