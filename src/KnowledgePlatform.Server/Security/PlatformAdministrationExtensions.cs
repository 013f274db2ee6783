namespace KnowledgePlatform.Server.Security;

public static class PlatformAdministrationExtensions
{
    public static IHostApplicationBuilder AddPlatformAdministration(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PlatformOptions>().Bind(builder.Configuration.GetSection(PlatformOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHostedService<PlatformSeeder>();
        return builder;
    }
}
