using System.Text.Json;
using KnowledgePlatform.Server.Audit;

namespace KnowledgePlatform.Server.Api.Audit;

/// <summary>An audit record with its actor's name and a line of what it did (<see cref="AuditSummary"/>).</summary>
public sealed record AuditRecordDto(string Id, DateTimeOffset At, string Actor, string Channel, string Action, string? Subject, JsonElement? Detail)
{
    /// <summary>The actor as people know it: a user's e-mail, a key's name, an EHR's name.</summary>
    public string ActorName { get; init; } = "";
    /// <summary>The action in words ("Document uploaded").</summary>
    public string Label { get; init; } = "";
    /// <summary>One line of what the action did, statuses in words.</summary>
    public string Summary { get; init; } = "";
}

/// <summary>An actor of the audit log: its id and its name.</summary>
public sealed record AuditActor(string Id, string Name);

/// <summary>What the log can be filtered by: the actions and actors it holds.</summary>
public sealed record AuditFacets(IReadOnlyList<string> Actions, IReadOnlyList<AuditActor> Actors, IReadOnlyList<string> Channels);
