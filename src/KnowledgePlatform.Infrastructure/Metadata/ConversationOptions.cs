using System.ComponentModel.DataAnnotations;

namespace KnowledgePlatform.Infrastructure.Metadata;

/// <summary>Configuration section "Conversations": how long and how much of a conversation is kept.</summary>
public sealed class ConversationOptions
{
    public const string Section = "Conversations";

    /// <summary>A conversation idle for longer is deleted with its turns.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00", ErrorMessage = "Conversations:Retention must be between one minute and ten years.")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Turns kept per conversation; older ones are deleted.</summary>
    [Range(1, 10_000)]
    public int MaxTurns { get; set; } = 50;
}
