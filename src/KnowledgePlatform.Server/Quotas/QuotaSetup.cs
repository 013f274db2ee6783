namespace KnowledgePlatform.Server.Quotas;

/// <summary>The daily token and storage quotas (decision 0041): options validated at start-up and the metering service.</summary>
public static class QuotaSetup
{
    public static IHostApplicationBuilder AddQuotas(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<QuotaOptions>().Bind(builder.Configuration.GetSection(QuotaOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<QuotaService>();
        return builder;
    }
}
