namespace KnowledgePlatform.Cli;

/// <summary>Progress&lt;T&gt; posts to the thread pool; the progress display wants the update now.</summary>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
