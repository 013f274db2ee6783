using Xunit;

namespace KnowledgePlatform.IntegrationTests.Faults;

/// <summary>
/// Tests that measure the process's heap and thread pool: they run alone, after the parallel tests, since the
/// server runs in the test process and other test classes would allocate and block in the same figures.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ResourceMeasurements
{
    public const string Name = "Resource measurements";
}
