namespace KnowledgePlatform.IntegrationTests.Channels;

/// <summary>The repository's sample documents (samples/), found upwards from the test assembly.</summary>
public static class SampleFiles
{
    public static string Folder { get; } = Find();

    public static byte[] Read(string relativePath) => File.ReadAllBytes(Path.Combine(Folder, relativePath));

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples");
            if (Directory.Exists(Path.Combine(candidate, "medical"))) return candidate;
        }
        throw new DirectoryNotFoundException("The samples folder was not found above " + AppContext.BaseDirectory);
    }
}
