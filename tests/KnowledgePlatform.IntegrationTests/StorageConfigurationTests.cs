using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>Storage settings that cannot work stop the start with a message naming the setting.</summary>
public sealed class StorageConfigurationTests
{
    [Theory]
    [InlineData("Storage:Provider", "postgres", "Storage:ConnectionString is required when Storage:Provider is 'postgres'")]
    [InlineData("Storage:Provider", "mysql", "Storage:Provider must be 'sqlite' or 'postgres'")]
    [InlineData("Storage:Index", "pinecone", "Storage:Index must be 'embedded' or 'qdrant'")]
    public async Task An_impossible_storage_setting_stops_the_start_and_names_the_setting(string key, string value, string message)
    {
        var error = await TestPlatform.StartFailureAsync(new Dictionary<string, string> { [key] = value }, TestContext.Current.CancellationToken);

        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
    }
}
