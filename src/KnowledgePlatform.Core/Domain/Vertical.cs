namespace KnowledgePlatform.Core.Domain;

public enum Vertical
{
    General,
    Medical,
    CustomerService,
}
