using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Database;

public sealed class ReembedSettings : CommonSettings
{
    [CommandArgument(0, "<kb>")]
    public string KnowledgeBase { get; init; } = "";

    [CommandOption("--model <NAME>")]
    [Description("A configured embedding model (Embedding or Embedding:Additional). Default: the configured default model.")]
    public string? Model { get; init; }

    public override ValidationResult Validate() =>
        !string.IsNullOrWhiteSpace(Server) ? ValidationResult.Error("reembed works on the embedded stores: stop the server and leave out --server.")
        : base.Validate();
}
