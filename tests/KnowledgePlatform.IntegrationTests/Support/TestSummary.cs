using Xunit;

namespace KnowledgePlatform.IntegrationTests.Support;

/// <summary>
/// Counts a test wants seen (probes sent, fuzz cases tried): in the test's own output and appended to
/// TestResults/summary.txt next to the test assembly, which .ci/run prints after the run (the runner shows
/// a passing test's output nowhere else).
/// </summary>
public static class TestSummary
{
    private static readonly Lock Writing = new();

    public static string File { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "summary.txt");

    public static void Report(string line)
    {
        var test = TestContext.Current.TestClass?.TestClassName.Split('.')[^1] ?? "test";
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        Directory.CreateDirectory(Path.GetDirectoryName(File)!);
        lock (Writing) System.IO.File.AppendAllText(File, $"{test}: {line}{Environment.NewLine}");
    }
}
