namespace KnowledgePlatform.Infrastructure.Maintenance;

/// <summary>One thing <c>kp doctor</c> found, and whether it repaired it.</summary>
public sealed record DoctorFinding(string Check, string? KnowledgeBaseId, string Detail, bool Repaired);

/// <summary>A knowledge base as the database and the index see it.</summary>
public sealed record KnowledgeBaseHealth(string TenantId, string KnowledgeBaseId, string Name, int ReadyDocuments, long ExpectedChunks, long IndexedChunks);

public sealed record DoctorReport(IReadOnlyList<KnowledgeBaseHealth> KnowledgeBases, IReadOnlyList<DoctorFinding> Findings)
{
    /// <summary>Nothing found, or everything found was repaired.</summary>
    public bool Healthy => Findings.All(f => f.Repaired);
}
