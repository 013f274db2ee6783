using System.Text.RegularExpressions;

namespace KnowledgePlatform.Server.Api.Middleware;

/// <summary>
/// Every response carries X-Request-Id: the client's own when it sent a sensible one (1–128 letters, digits
/// and . _ : -), otherwise a new one. It is the request's TraceIdentifier, so logs and Problem Details
/// ("requestId") name the same id a client can quote.
/// </summary>
public static partial class RequestIds
{
    public const string Header = "X-Request-Id";

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,128}$")]
    private static partial Regex Valid();

    public static bool IsValid(string? id) => id is not null && Valid().IsMatch(id);

    public static IApplicationBuilder UseRequestIds(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var sent = context.Request.Headers[Header].ToString();
        var id = IsValid(sent) ? sent : "req_" + Guid.NewGuid().ToString("N");
        context.TraceIdentifier = id;
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[Header] = id;
            return Task.CompletedTask;
        });
        await next(context);
    });
}
