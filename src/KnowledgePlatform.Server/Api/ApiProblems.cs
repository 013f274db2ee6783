using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace KnowledgePlatform.Server.Api;

/// <summary>Problem Details answers with a stable "code" extension that clients can branch on.</summary>
public static class ApiProblems
{
    public static ProblemHttpResult Problem(int status, string code, string detail) =>
        TypedResults.Problem(Create(status, code, detail));

    public static ProblemHttpResult NotFound(string what, string id) =>
        Problem(StatusCodes.Status404NotFound, "not_found", $"No {what} '{id}' exists.");

    public static ProblemHttpResult Validation(string code, string detail) => Problem(StatusCodes.Status400BadRequest, code, detail);

    public static ProblemDetails Create(int status, string code, string detail) => new()
    {
        Status = status,
        Title = Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status),
        Detail = detail,
        Type = $"https://httpstatuses.io/{status}",
        Extensions = { ["code"] = code },
    };

    /// <summary>
    /// Gives every Problem Details answer, including the framework's own (bad JSON, unknown route,
    /// unhandled exception), a code and a detail; internal exception messages never reach the client.
    /// </summary>
    public static void Complete(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        if (context.Exception is BadHttpRequestException bad)
        {
            problem.Detail ??= bad.InnerException is System.Text.Json.JsonException json
                ? $"The request body is not valid JSON for this operation: {json.Message}"
                : bad.Message;
        }
        if (context.Exception is KnowledgePlatform.Core.Ports.IndexUnavailableException unavailable)
        {
            // Our own message: which store is down and that retrying later helps; no addresses or internals.
            problem.Detail = unavailable.Message;
            problem.Extensions.TryAdd("code", "index_unavailable");
            context.HttpContext.Response.Headers.RetryAfter = "5";
        }
        if (context.Exception is { } failure && StorageFailures.IsBusy(failure))
        {
            problem.Detail = "The database stayed busy and the request could not be completed. Try again in a few seconds.";
            problem.Extensions.TryAdd("code", "storage_busy");
            context.HttpContext.Response.Headers.RetryAfter = "5";
        }
        problem.Extensions.TryAdd("code", status switch
        {
            StatusCodes.Status400BadRequest => "bad_request",
            StatusCodes.Status401Unauthorized => "unauthorized",
            StatusCodes.Status404NotFound => "not_found",
            StatusCodes.Status405MethodNotAllowed => "method_not_allowed",
            StatusCodes.Status413PayloadTooLarge => "request_too_large",
            StatusCodes.Status415UnsupportedMediaType => "unsupported_media_type",
            StatusCodes.Status429TooManyRequests => "rate_limited",
            >= 500 => "internal_error",
            _ => "error",
        });
        // The id the client sees in X-Request-Id, so a report can name the request.
        problem.Extensions["requestId"] = context.HttpContext.TraceIdentifier;
        problem.Detail ??= status >= 500 ? "Something went wrong on our side. Try again; if it persists, report the traceId." : problem.Title;
    }

    public static async Task WriteAsync(HttpContext context, int status, string code, string detail)
    {
        context.Response.StatusCode = status;
        var service = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        var problem = new ProblemDetailsContext { HttpContext = context, ProblemDetails = Create(status, code, detail) };
        // A client that accepts only, say, text/html still gets the Problem Details as JSON, never a 500.
        if (!await service.TryWriteAsync(problem))
            await context.Response.WriteAsJsonAsync(problem.ProblemDetails, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", context.RequestAborted);
    }
}
