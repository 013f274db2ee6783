using System.ComponentModel.DataAnnotations;
using KnowledgePlatform.Core.Domain;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace KnowledgePlatform.Rag.Orchestration;

/// <summary>Configuration section "Answering": prompts, history and disclaimer of the grounded answers.</summary>
public sealed class AnsweringOptions
{
    public const string Section = "Answering";

    /// <summary>Folder of the prompt templates; the Prompts folder next to the program when empty.</summary>
    public string? PromptsPath { get; set; }

    /// <summary>Earlier turns of a conversation shown to the model that rewrites a follow-up question.</summary>
    [Range(0, 50)]
    public int HistoryTurns { get; set; } = 6;

    public string FullPromptsPath => Path.GetFullPath(string.IsNullOrWhiteSpace(PromptsPath) ? Path.Combine(AppContext.BaseDirectory, "Prompts") : PromptsPath);
}

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

/// <summary>The per-vertical answer templates and the follow-up rewriting template, read from files at start-up.</summary>
public sealed class PromptLibrary
{
    private readonly Dictionary<string, PromptTemplateFile> _templates;

    public PromptLibrary(IOptions<AnsweringOptions> options)
    {
        var folder = options.Value.FullPromptsPath;
        _templates = Names.ToDictionary(n => n, n =>
        {
            var path = Path.Combine(folder, n + ".prompt");
            if (!File.Exists(path)) throw new FileNotFoundException($"The prompt template '{path}' is missing (Answering:PromptsPath).", path);
            return new PromptTemplateFile(n, File.ReadAllText(path));
        });
    }

    public static readonly string[] Names = ["general", "medical", "customer_service", "rewrite"];

    public PromptTemplateFile Answer(Vertical vertical) => _templates[vertical switch
    {
        Vertical.Medical => "medical",
        Vertical.CustomerService => "customer_service",
        _ => "general",
    }];

    public PromptTemplateFile Rewrite => _templates["rewrite"];
}
