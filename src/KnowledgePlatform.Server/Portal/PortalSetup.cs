using BootstrapBlazor.Components;
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
        builder.Services.AddHttpClient<PortalApi>((sp, http) =>
        {
            http.BaseAddress = sp.GetRequiredService<PortalApiAddress>().BaseAddress();
            http.Timeout = TimeSpan.FromMinutes(5);
        });
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
