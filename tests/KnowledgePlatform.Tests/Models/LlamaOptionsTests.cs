using KnowledgePlatform.Infrastructure.ChatModels;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Xunit;

namespace KnowledgePlatform.Tests.Models;

/// <summary>The one llama options type, bound from the section of the host that runs the model and checked in its keys.</summary>
public sealed class LlamaOptionsTests
{
    private static OptionsValidationException Refusal(string section, Dictionary<string, string?> settings, string? whenNoModel = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddLlamaModel(section, whenNoModel);
        using var services = builder.Services.BuildServiceProvider();
        return Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<LlamaOptions>>().Value);
    }

    [Fact]
    public void Every_key_of_the_chat_section_is_read_and_each_wrong_one_is_named_with_its_value()
    {
        var error = Refusal("Chat", new()
        {
            ["Chat:ModelPath"] = "models/missing.gguf",
            ["Chat:ContextSize"] = "100",
            ["Chat:Threads"] = "-2",
            ["Chat:Sequences"] = "0",
            ["Chat:GpuLayers"] = "-5",
        });

        Assert.Equal(
        [
            "Chat:ContextSize must be between 256 and 1048576 tokens (it is 100).",
            "Chat:Threads must be between 0 (llama.cpp decides) and 512 (it is -2).",
            "Chat:Sequences, the answers generated at once, must be between 1 and 64 (it is 0).",
            "Chat:GpuLayers must be -1 (all layers), 0 (none) or a number of layers up to 1000 (it is -5).",
            $"Chat:ModelPath: the model file '{Path.GetFullPath("models/missing.gguf")}' does not exist.",
        ], error.Failures);
    }

    [Fact]
    public void The_defaults_are_valid_and_only_the_missing_file_is_reported_in_the_model_hosts_keys()
    {
        var error = Refusal("ModelHost", new() { ["ModelHost:ModelPath"] = "missing.gguf", ["Chat:ContextSize"] = "100" });

        Assert.Equal([$"ModelHost:ModelPath: the model file '{Path.GetFullPath("missing.gguf")}' does not exist."], error.Failures);
    }

    [Fact]
    public void No_model_at_all_is_told_how_to_name_one()
    {
        var error = Refusal("ModelHost", [], whenNoModel: "No model: start with --model PATH (a GGUF file) or set ModelHost:ModelPath.");

        Assert.Equal(["No model: start with --model PATH (a GGUF file) or set ModelHost:ModelPath."], error.Failures);
    }
}
