using KnowledgePlatform.Infrastructure.Telemetry;
using OpenTelemetry.Metrics;

namespace KnowledgePlatform.Server;

public static class Observability
{
    /// <summary>OpenTelemetry traces and metrics of the server, with a Prometheus scraping endpoint (see docs/deployment.md).</summary>
    public static IHostApplicationBuilder AddObservability(this IHostApplicationBuilder builder) =>
        builder.AddTelemetry("knowledgeplatform-server", metrics => metrics.AddPrometheusExporter());

    /// <summary>GET /metrics in Prometheus text format: no tenant content, no credentials needed; keep it off the public ingress.</summary>
    public static WebApplication MapObservability(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
