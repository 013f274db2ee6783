namespace KnowledgePlatform.Core.Domain;

public enum ChunkKind
{
    Text,
    Table,
    QuestionAnswer,
}
