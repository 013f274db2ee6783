using KnowledgePlatform.Infrastructure.Packages;

namespace KnowledgePlatform.Server.Api;

public sealed record PackageImportResponse(KnowledgeBaseDto KnowledgeBase, int Documents, int Chunks, bool Reembedded, PackagePolicy SourcePolicy);
