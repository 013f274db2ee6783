using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;

namespace KnowledgePlatform.Rag.Orchestration;

/// <summary>
/// A prompt template file: sections headed <c>[system]</c>, <c>[user]</c>, and <c>[not_found]</c>,
/// each a Semantic Kernel template (<c>{{$variable}}</c>) rendered with the request's arguments.
/// </summary>
public sealed class PromptTemplateFile
{
    private static readonly KernelPromptTemplateFactory Factory = new() { AllowDangerouslySetContent = true };
    private readonly Dictionary<string, IPromptTemplate> _sections;

    public PromptTemplateFile(string name, string text)
    {
        Name = name;
        _sections = Parse(text).ToDictionary(
            s => s.Key,
            // The rendered text becomes one message's content and is never parsed for roles, so the
            // evidence needs no escaping (SK would HTML-encode it for its own <message> syntax).
            s => Factory.Create(new PromptTemplateConfig(s.Value) { AllowDangerouslySetContent = true }));
        if (!_sections.ContainsKey("system") || !_sections.ContainsKey("user"))
            throw new InvalidOperationException($"The prompt template '{name}' needs a [system] and a [user] section.");
    }

    public string Name { get; }

    public bool Has(string section) => _sections.ContainsKey(section);

    public async Task<string> RenderAsync(string section, Kernel kernel, KernelArguments arguments, CancellationToken cancellationToken) =>
        _sections.TryGetValue(section, out var template) ? (await template.RenderAsync(kernel, arguments, cancellationToken)).Trim() : "";

    public async Task<List<ChatMessage>> MessagesAsync(Kernel kernel, KernelArguments arguments, CancellationToken cancellationToken) =>
    [
        new(ChatRole.System, await RenderAsync("system", kernel, arguments, cancellationToken)),
        new(ChatRole.User, await RenderAsync("user", kernel, arguments, cancellationToken)),
    ];

    internal static Dictionary<string, string> Parse(string text)
    {
        var sections = new Dictionary<string, string>(StringComparer.Ordinal);
        string? current = null;
        var body = new List<string>();
        foreach (var line in text.ReplaceLineEndings("\n").Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.Length > 2 && trimmed[0] == '[' && trimmed[^1] == ']' && trimmed[1..^1].All(c => char.IsLetter(c) || c == '_'))
            {
                if (current is not null) sections[current] = string.Join('\n', body).Trim();
                current = trimmed[1..^1];
                body.Clear();
                continue;
            }
            body.Add(line);
        }
        if (current is not null) sections[current] = string.Join('\n', body).Trim();
        return sections;
    }
}
