using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Infrastructure.ChatModels;

public static class LlamaModelRegistration
{
    /// <summary>
    /// The in-process GGUF model (<see cref="LlamaModel"/>, loaded on first use) with its <see cref="LlamaOptions"/> bound
    /// from <paramref name="section"/> and checked at start-up by <see cref="LlamaOptionsValidator"/>.
    /// </summary>
    public static IHostApplicationBuilder AddLlamaModel(this IHostApplicationBuilder builder, string section, string? whenNoModel = null)
    {
        builder.Services.AddOptions<LlamaOptions>()
            .Bind(builder.Configuration.GetSection(section))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<LlamaOptions>>(new LlamaOptionsValidator(section, whenNoModel));
        builder.Services.AddSingleton(sp => LlamaModel.Load(
            sp.GetRequiredService<IOptions<LlamaOptions>>().Value, sp.GetRequiredService<ILoggerFactory>().CreateLogger<LlamaModel>()));
        return builder;
    }
}
