using System.ComponentModel.DataAnnotations;

namespace KnowledgePlatform.Server.Channels;

/// <summary>Configuration section "Channels:Handoff": how handoff webhooks are delivered (decision 0092).</summary>
public sealed class HandoffOptions
{
    public const string Section = "Channels:Handoff";

    /// <summary>How long one webhook call may take.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Quick retries inside one round (Polly: exponential backoff with jitter, from one second).</summary>
    [Range(0, 5)]
    public int RetriesPerRound { get; set; } = 2;

    /// <summary>Rounds of attempts before a message is given up as failed.</summary>
    [Range(1, 50)]
    public int Rounds { get; set; } = 10;

    /// <summary>The wait before the second round; each later round waits twice as long (with jitter), up to <see cref="MaxRetryDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(2);

    /// <summary>How often each server looks for due messages that other servers queued (its own are sent at once).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
}
