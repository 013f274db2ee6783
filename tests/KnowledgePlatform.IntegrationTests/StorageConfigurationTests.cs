using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>Storage settings that cannot work stop the start with a message naming the setting.</summary>
public sealed class StorageConfigurationTests : IDisposable
{
    private readonly string _data = PlatformHost.NewDataPath();

    public void Dispose()
    {
        if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }

    [Theory]
    [InlineData("Storage:Provider", "postgres", "Storage:ConnectionString is required when Storage:Provider is 'postgres'")]
    [InlineData("Storage:Provider", "mysql", "Storage:Provider must be 'sqlite' or 'postgres'")]
    [InlineData("Storage:Index", "pinecone", "Storage:Index must be 'embedded' or 'qdrant'")]
    public void An_impossible_storage_setting_stops_the_start_and_names_the_setting(string key, string value, string message)
    {
        var error = Assert.ThrowsAny<Exception>(() => new PlatformHost(_data, new Dictionary<string, string> { [key] = value }));

        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
    }
}
