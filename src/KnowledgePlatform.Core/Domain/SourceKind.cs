namespace KnowledgePlatform.Core.Domain;

public enum SourceKind
{
    /// <summary>Pages of one web site under a path prefix, from a start page or a sitemap.xml.</summary>
    Web,

    /// <summary>Files in a folder on the server (or a share mounted there).</summary>
    Folder,
}
