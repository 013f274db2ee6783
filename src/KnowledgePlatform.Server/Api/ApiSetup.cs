using System.Text.Json.Serialization;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Ingestion.Pipeline;
using KnowledgePlatform.Server.Api.Audit;
using KnowledgePlatform.Server.Api.Channels;
using KnowledgePlatform.Server.Api.Clinical;
using KnowledgePlatform.Server.Api.Middleware;
using KnowledgePlatform.Server.Api.OpenAi;
using KnowledgePlatform.Server.Api.Sources;
using KnowledgePlatform.Server.Api.Tenants;
using KnowledgePlatform.Server.Audit;
using KnowledgePlatform.Server.Channels;
using KnowledgePlatform.Server.Ingestion;
using KnowledgePlatform.Server.Security;
using KnowledgePlatform.Server.Tenants;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace KnowledgePlatform.Server.Api;

public static class ApiSetup
{
    /// <summary>JSON, Problem Details, OpenAPI and request limits of the REST API.</summary>
    public static IHostApplicationBuilder AddApi(this IHostApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.SnakeCaseLower)));
        // Malformed requests throw, so the exception handler answers them like every other error.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ApiProblems.Complete);
        builder.Services.AddOpenApi("v1", o => o
            .AddDocumentTransformer(OpenApiDocumentation.DescribeDocument)
            .AddOperationTransformer(OpenApiDocumentation.DescribeOperation)
            .AddOperationTransformer(OpenApiExamples.Transform));
        builder.AddChannels();
        KnowledgePlatform.Server.Inbox.InboxSetup.AddInbox(builder);
        builder.Services.AddHealthChecks();
        builder.Services.AddSignalR().AddJsonProtocol(o =>
            o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.SnakeCaseLower)));
        builder.Services.AddHostedService<IngestionProgressRelay>();
        builder.Services.AddScoped<AuditLog>();
        builder.Services.AddScoped<TenantInvitations>();
        builder.Services.AddScoped<Answering.GovernedAnswers>();
        builder.Services.AddScoped<SourceRequests>();
        builder.AddPackages();
        builder.Services.AddSingleton<RetentionSweeper>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RetentionSweeper>());

        // Requests may carry an upload of up to the configured size plus the multipart envelope;
        // the exact limit is enforced by the intake, which answers with a Problem Details 413.
        builder.Services.AddOptions<FormOptions>().Configure<IOptions<IngestionOptions>>((form, ingestion) =>
            form.MultipartBodyLengthLimit = ingestion.Value.MaxUploadBytes + 1024 * 1024);
        builder.Services.AddOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>().Configure<IOptions<IngestionOptions>>((kestrel, ingestion) =>
            kestrel.Limits.MaxRequestBodySize = ingestion.Value.MaxUploadBytes + 1024 * 1024);
        return builder;
    }

    public static WebApplication UseApi(this WebApplication app)
    {
        // First, so every answer (errors included) carries the request id.
        app.UseRequestIds();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // Kestrel's own refusals (body too large, malformed request) keep their status; an unreachable
            // chunk index (Qdrant down) and a metadata database that stayed busy are 503s the client may retry.
            StatusCodeSelector = ex => ex switch
            {
                BadHttpRequestException bad => bad.StatusCode,
                IndexUnavailableException => StatusCodes.Status503ServiceUnavailable,
                _ when StorageFailures.IsBusy(ex) => StatusCodes.Status503ServiceUnavailable,
                _ => StatusCodes.Status500InternalServerError,
            },
            // A malformed request is the client's error, answered with a 4xx Problem Details: not logged as an
            // unhandled exception (the request delegate already logs it at Debug).
            SuppressDiagnosticsCallback = c => c.Exception is BadHttpRequestException,
        });
        app.UseStatusCodePages();
        app.Use(RefuseUnknownCharsets);
        app.UseWidgetScript();
        app.UseWidgetCors();
        app.UseAuthentication();
        app.UseTenantSuspension();
        app.UseAskAsChannel();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseIdempotency();

        app.MapOpenApi("/openapi/{documentName}.json");
        // Served whole from this server (no web fonts or proxy from elsewhere), so the page works on an offline server.
        app.MapScalarApiReference("/docs", o => o.WithTitle("KnowledgePlatform API").WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .DisableDefaultFonts().AddPreferredSecuritySchemes(OpenApiDocumentation.ApiKeyScheme));

        app.MapHub<IngestionHub>(IngestionHub.Path);
        var api = app.MapGroup("/api/v1").RequireAuthorization().RequireRateLimiting(RateLimits.Api);
        api.MapKnowledgeBases().MapEvidenceGate().MapDocuments().MapDocumentSource().MapQuestions().MapRetrieval().MapAdministration().MapQuotas().MapSharing().MapPackages()
            .MapUsers().MapTenants().MapAudit().MapCuration().MapClinical().MapWidgetChannel().MapSources().MapWebhooks();
        Inbox.InboxEndpoints.MapInbox(api);
        Inbox.ConversationEndpoints.MapConversationReview(api);
        app.MapChatCompletions();
        return app;
    }

    /// <summary>
    /// A body whose Content-Type names a charset .NET does not know cannot be read as JSON or form; without this
    /// the JSON reader throws an InvalidOperationException that would surface as a 500.
    /// </summary>
    private static async Task RefuseUnknownCharsets(HttpContext context, RequestDelegate next)
    {
        if (Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var type)
            && type.Charset.HasValue && type.Charset.Value is { Length: > 0 } charset && !IsKnownEncoding(charset.Trim('"')))
        {
            await ApiProblems.Problem(StatusCodes.Status415UnsupportedMediaType, "unsupported_charset",
                $"The request body's charset '{charset}' is not supported; send UTF-8.").ExecuteAsync(context);
            return;
        }
        await next(context);
    }

    private static bool IsKnownEncoding(string name)
    {
        try
        {
            _ = System.Text.Encoding.GetEncoding(name);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
