namespace KnowledgePlatform.Core.Domain;

public enum JobStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
}
