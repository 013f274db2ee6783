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

    public static async Task WriteAsync(HttpContext context, int status, string code, string detail)
    {
        context.Response.StatusCode = status;
        var service = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await service.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = Create(status, code, detail) });
    }
}
