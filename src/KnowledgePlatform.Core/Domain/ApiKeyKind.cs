namespace KnowledgePlatform.Core.Domain;

public enum ApiKeyKind
{
    Server,
    Widget,
}
