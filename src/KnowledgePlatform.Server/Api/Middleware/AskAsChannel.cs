using System.Security.Claims;
using KnowledgePlatform.Server.Security;

namespace KnowledgePlatform.Server.Api.Middleware;

/// <summary>
/// Lets a signed-in portal user ask as another channel does (the portal's chat test and the widget's live
/// preview). The <see cref="Header"/> header swaps the principal's channel claim for <c>widget</c> or
/// <c>api</c>, so the request is answered, limited, counted and audited exactly as that channel's requests
/// are; the audit record keeps the portal user as its actor. Only a portal sign-in may: an API or widget key
/// that sends the header is refused, so no key can pass for another channel. See decision 0053.
/// </summary>
public static class AskAsChannel
{
    public const string Header = "X-KP-Test-Channel";

    /// <summary>Set on a principal whose channel a portal user chose for a test.</summary>
    public const string TestedFromClaim = "kp:tested-from";

    public static IReadOnlyList<string> Channels { get; } = ["widget", "api"];

    /// <summary>Runs after authentication: the channel is chosen before authorization, rate limits and the endpoint see the principal.</summary>
    public static IApplicationBuilder UseAskAsChannel(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var requested = context.Request.Headers[Header].ToString().Trim();
        if (requested.Length == 0 || context.User.Identity?.IsAuthenticated != true)
        {
            await next(context);
            return;
        }
        if (context.User.Channel() != PortalClaims.PortalChannel)
        {
            await ApiProblems.WriteAsync(context, StatusCodes.Status403Forbidden, "channel_test_not_allowed",
                $"Only a user signed in to the portal can test a channel with {Header}; a key always asks as its own channel.");
            return;
        }
        if (!Channels.Contains(requested))
        {
            await ApiProblems.WriteAsync(context, StatusCodes.Status400BadRequest, "unknown_channel",
                $"{Header} is one of: {string.Join(", ", Channels)}.");
            return;
        }
        var identity = context.User.Identities.First(i => i.HasClaim(c => c.Type == ApiKeyAuthenticationHandler.ChannelClaim));
        identity.RemoveClaim(identity.FindFirst(ApiKeyAuthenticationHandler.ChannelClaim));
        identity.AddClaim(new Claim(ApiKeyAuthenticationHandler.ChannelClaim, requested));
        identity.AddClaim(new Claim(TestedFromClaim, PortalClaims.PortalChannel));
        await next(context);
    });

    /// <summary>Whether a portal user chose this request's channel for a test.</summary>
    public static bool IsChannelTest(this ClaimsPrincipal user) => user.HasClaim(c => c.Type == TestedFromClaim);
}
