using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KnowledgePlatform.Infrastructure.Http;

/// <summary>The defaults of every HTTP client the platform gets from IHttpClientFactory.</summary>
public static class OutboundHttp
{
    /// <summary>
    /// No client keeps cookies. The factory pools a client's primary handler across every caller for minutes, so a
    /// cookie container in it is state shared by every user: a Set-Cookie answered to one tenant's call would go out
    /// with the next tenant's (the portal leak of docs/security.md). A call that needs a credential sends it itself.
    /// </summary>
    public static IHostApplicationBuilder AddOutboundHttp(this IHostApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(Handler));
        return builder;
    }

    /// <summary>The primary handler: no cookie container, connections recycled so DNS changes are seen.</summary>
    public static SocketsHttpHandler Handler() => new() { UseCookies = false, PooledConnectionLifetime = TimeSpan.FromMinutes(2) };
}
