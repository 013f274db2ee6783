using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KnowledgePlatform.Infrastructure.Telemetry;

/// <summary>The probes and the metrics endpoint every host serves, the same in the server and the worker.</summary>
public static class PlatformHealth
{
    /// <summary>Health checks tagged with this decide readiness.</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// GET /health/live (the process answers; no check runs), GET /health/ready (every check tagged "ready" healthy:
    /// degraded, as while the demo documents are ingested, is not ready for traffic yet) and GET /metrics in Prometheus
    /// text format (no tenant content, no credentials needed; keep it off the public ingress).
    /// </summary>
    public static WebApplication MapPlatformHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains(ReadyTag),
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
