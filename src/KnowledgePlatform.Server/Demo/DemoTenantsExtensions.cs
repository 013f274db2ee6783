namespace KnowledgePlatform.Server.Demo;

public static class DemoTenantsExtensions
{
    public static IHostApplicationBuilder AddDemoTenants(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DemoOptions>()
            .Bind(builder.Configuration.GetSection(DemoOptions.Section))
            .Validate(o => !o.Enabled || o.Tenants.All(t => t.Id.Length > 0 && t.ApiKey.Length >= 16 && t.KnowledgeBase.Length > 0),
                "Every Demo:Tenants entry needs an Id, an ApiKey of at least 16 characters and a KnowledgeBase name.")
            .Validate(o => !o.Enabled || o.Tenants.All(t => string.IsNullOrEmpty(t.WidgetKey) || (t.WidgetKey.Length >= 16 && t.WidgetOrigins.Count > 0)),
                "A Demo:Tenants entry with a WidgetKey needs at least 16 characters in it and WidgetOrigins (such as http://localhost:8080).")
            .ValidateOnStart();
        builder.Services.AddSingleton<DemoSeeder>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DemoSeeder>());
        builder.Services.AddHealthChecks().AddCheck<DemoSeeder>("demo", tags: [Infrastructure.Telemetry.PlatformHealth.ReadyTag]);
        return builder;
    }
}
