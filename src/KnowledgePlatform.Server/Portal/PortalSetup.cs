using BootstrapBlazor.Components;
using KnowledgePlatform.Infrastructure.Http;
using KnowledgePlatform.Server.Portal.Layout;

namespace KnowledgePlatform.Server.Portal;

/// <summary>The curator portal: Blazor components (interactive server rendering) under /portal, a client of the REST API.</summary>
public static class PortalSetup
{
    public static IHostApplicationBuilder AddPortal(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddBootstrapBlazor();
        builder.Services.AddSingleton<PortalApiAddress>();
        builder.Services.AddScoped<PortalCredential>();
        builder.Services.AddScoped<IIngestionFeed, IngestionFeed>();
        // Every circuit shares this client's pooled handler: it must hold no cookies (each call sends its user's own).
        builder.Services.AddHttpClient<PortalApi>((sp, http) =>
            {
                http.BaseAddress = sp.GetRequiredService<PortalApiAddress>().BaseAddress();
                http.Timeout = TimeSpan.FromMinutes(5);
            })
            .ConfigurePrimaryHttpMessageHandler(OutboundHttp.Handler);
        return builder;
    }

    /// <summary>
    /// The portal's static assets (BootstrapBlazor, Plotly, the Blazor script) live in NuGet packages and obj/ until the
    /// app is published. `dotnet run` finds them through the build's static web assets manifest in Development only;
    /// this reads that manifest in every environment, so the build output also serves them in Production. A publish
    /// folder has no manifest (its assets are in wwwroot), and this does nothing there.
    /// </summary>
    public static IHostApplicationBuilder AddStaticAssetsFromBuildOutput(this WebApplicationBuilder builder)
    {
        builder.WebHost.UseStaticWebAssets();
        return builder;
    }

    public static WebApplication MapPortal(this WebApplication app)
    {
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapGet("/", () => TypedResults.LocalRedirect(Security.PortalIdentity.BasePath)).ExcludeFromDescription();
        app.MapWidgetPreview();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
