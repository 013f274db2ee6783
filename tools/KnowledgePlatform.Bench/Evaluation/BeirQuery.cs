using System.Text.Json;

namespace KnowledgePlatform.Bench.Evaluation;

public sealed record BeirQuery(string Id, string Text);
