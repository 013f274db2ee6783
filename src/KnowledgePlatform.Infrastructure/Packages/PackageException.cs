namespace KnowledgePlatform.Infrastructure.Packages;

/// <summary>A package that cannot be imported, with a code the API answers with and a reason a person can act on.</summary>
public sealed class PackageException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
