namespace KnowledgePlatform.Server.Inbox;

public static class InboxSetup
{
    /// <summary>The inbox's recorder and its options (section "Inbox"), checked at start-up.</summary>
    public static IHostApplicationBuilder AddInbox(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<InboxOptions>().BindConfiguration(InboxOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<InboxRecorder>();
        return builder;
    }
}
