using KnowledgePlatform.Core.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace KnowledgePlatform.Infrastructure.Telemetry;

public static class TelemetryExtensions
{
    /// <summary>
    /// OpenTelemetry traces and metrics: the platform's own ("KnowledgePlatform": ingestion steps,
    /// retrieval, generation, queue depth), ASP.NET Core, HTTP and gRPC clients, Npgsql, the .NET runtime
    /// and Microsoft.Extensions.AI's gen_ai metrics (tokens) when a chat client reports them. Exported
    /// over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set, and scraped by Prometheus at /metrics
    /// (<see cref="PlatformHealth.MapPlatformHealth"/>).
    /// </summary>
    public static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName, serviceVersion: typeof(TelemetryExtensions).Assembly.GetName().Version?.ToString(3)))
            .WithTracing(t => t
                .AddSource(PlatformTelemetry.Name, "Npgsql", "Experimental.Microsoft.Extensions.AI")
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsProbe(http.Request.Path))
                .AddHttpClientInstrumentation())
            .WithMetrics(m =>
            {
                m.AddMeter(PlatformTelemetry.Name, "Npgsql", "Experimental.Microsoft.Extensions.AI")
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddPrometheusExporter();
            });
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])) otel.UseOtlpExporter();

        builder.Services.AddOptions<TelemetryOptions>().Bind(builder.Configuration.GetSection(TelemetryOptions.Section));
        builder.Services.AddHostedService<IngestionQueueMetrics>();
        return builder;
    }

    private static bool IsProbe(Microsoft.AspNetCore.Http.PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics");
}
