using KnowledgePlatform.Infrastructure.BackgroundWork;
using Xunit;

namespace KnowledgePlatform.Tests.BackgroundWork;

public sealed class LowPriorityThreadTests
{
    [Fact]
    public async Task Work_runs_on_one_thread_at_the_lowest_priority_while_the_caller_keeps_its_own()
    {
        var ct = TestContext.Current.CancellationToken;
        using var thread = new LowPriorityThread("test");
        var first = await thread.RunAsync(() => (Environment.CurrentManagedThreadId, LowPriorityThread.CurrentNice()), ct);
        var second = await thread.RunAsync(() => (Environment.CurrentManagedThreadId, LowPriorityThread.CurrentNice()), ct);

        Assert.Equal(first.CurrentManagedThreadId, second.CurrentManagedThreadId);
        Assert.NotEqual(Environment.CurrentManagedThreadId, first.CurrentManagedThreadId);
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(19, first.Item2);
            Assert.NotEqual(19, LowPriorityThread.CurrentNice());
        }
    }

    [Fact]
    public async Task A_failure_in_the_work_reaches_the_caller_and_the_thread_goes_on()
    {
        var ct = TestContext.Current.CancellationToken;
        using var thread = new LowPriorityThread("test");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => thread.RunAsync<int>(() => throw new InvalidOperationException("encoder failed"), ct));
        Assert.Equal("encoder failed", error.Message);
        Assert.Equal(42, await thread.RunAsync(() => 42, ct));
    }

    [Fact]
    public async Task Work_cancelled_before_it_starts_is_not_run()
    {
        using var thread = new LowPriorityThread("test");
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var ran = false;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => thread.RunAsync(() => ran = true, cancelled.Token));
        Assert.False(ran);
    }
}
