using KnowledgePlatform.Core.Policies;
using KnowledgePlatform.Ingestion.Chunking;
using KnowledgePlatform.Ingestion.Extraction;
using KnowledgePlatform.Ingestion.Extraction.Ocr;
using KnowledgePlatform.Ingestion.Intake;
using KnowledgePlatform.Ingestion.Pipeline;
using KnowledgePlatform.Ingestion.Pipeline.Steps;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace KnowledgePlatform.Ingestion;

public static class IngestionServiceCollectionExtensions
{
    /// <summary>
    /// Extractors, chunker and the pipeline steps in order. With <paramref name="runWorkers"/> the job
    /// workers run inside this host (embedded mode); otherwise another process runs them.
    /// </summary>
    public static IHostApplicationBuilder AddIngestion(this IHostApplicationBuilder builder, bool runWorkers)
    {
        builder.Services.AddOptions<IngestionOptions>()
            .Bind(builder.Configuration.GetSection(IngestionOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddOptions<OcrOptions>()
            .Bind(builder.Configuration.GetSection(OcrOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<ITextRecognizer, TesseractRecognizer>();
        builder.Services.AddSingleton(sp => new ExtractorRegistry(ExtractorRegistry.CreateDefault(sp.GetRequiredService<ITextRecognizer>())));
        builder.Services.AddSingleton<Chunker>();
        builder.Services.AddSingleton<IngestionSignal>();
        builder.Services.AddSingleton<EmbeddingBatcher>();

        builder.Services.TryAddSingleton(new Redactor());
        builder.Services.TryAddSingleton(TimeProvider.System);

        // The chain, in order: extract → redact → chunk → embed → index.
        builder.Services.AddScoped<IIngestionStep, ExtractStep>();
        builder.Services.AddScoped<IIngestionStep, RedactStep>();
        builder.Services.AddScoped<IIngestionStep, ChunkStep>();
        builder.Services.AddScoped<IIngestionStep, EmbedStep>();
        builder.Services.AddScoped<IIngestionStep, IndexStep>();
        builder.Services.AddScoped<IngestionRunner>();
        builder.Services.AddScoped<DocumentIntake>();

        if (runWorkers) builder.Services.AddHostedService<IngestionWorker>();
        return builder;
    }
}
