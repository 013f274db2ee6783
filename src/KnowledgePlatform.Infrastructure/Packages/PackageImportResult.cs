using KnowledgePlatform.Core.Domain;

namespace KnowledgePlatform.Infrastructure.Packages;

public sealed record PackageImportResult(KnowledgeBase KnowledgeBase, int Documents, int Chunks, bool Reembedded, PackagePolicy SourcePolicy);
