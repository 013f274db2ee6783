namespace KnowledgePlatform.Server.Calibration;

public static class CalibrationSetup
{
    /// <summary>Knowledge bases calibrate their evidence gate from their own content, in the background.</summary>
    public static IHostApplicationBuilder AddCalibration(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CalibrationOptions>()
            .Bind(builder.Configuration.GetSection(CalibrationOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => o.Interval > TimeSpan.Zero, "Calibration:Interval must be a positive time span, e.g. 00:00:30.")
            .ValidateOnStart();
        builder.Services.AddScoped<KnowledgeBaseCalibrator>();
        builder.Services.AddSingleton<CalibrationScheduler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CalibrationScheduler>());
        return builder;
    }
}
