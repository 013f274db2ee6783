using KnowledgePlatform.Core.Domain;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Rag.Orchestration;

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
