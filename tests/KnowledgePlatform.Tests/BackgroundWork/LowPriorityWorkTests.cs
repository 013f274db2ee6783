using KnowledgePlatform.Infrastructure.BackgroundWork;
using Xunit;

namespace KnowledgePlatform.Tests.BackgroundWork;

public sealed class LowPriorityWorkTests
{
    [Fact]
    public async Task Work_runs_at_the_lowest_priority_and_comes_back_to_its_own_thread_after_each_await()
    {
        var ct = TestContext.Current.CancellationToken;
        var callerNice = LowPriorityWork.CurrentNice();
        var (threads, nices) = await LowPriorityWork.RunAsync(async () =>
        {
            var seen = new List<int> { Environment.CurrentManagedThreadId };
            var nice = new List<int?> { LowPriorityWork.CurrentNice() };
            await Task.Delay(5, ct);
            seen.Add(Environment.CurrentManagedThreadId);
            await Task.Run(() => Thread.Sleep(5), ct);
            seen.Add(Environment.CurrentManagedThreadId);
            nice.Add(LowPriorityWork.CurrentNice());
            return (seen, nice);
        });

        Assert.Single(threads.Distinct());
        Assert.NotEqual(Environment.CurrentManagedThreadId, threads[0]);
        if (OperatingSystem.IsLinux())
        {
            Assert.All(nices, n => Assert.Equal(19, n));
            Assert.NotEqual(19, callerNice); // the caller keeps its priority
        }
    }

    [Fact]
    public async Task A_failure_in_the_work_reaches_the_caller()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => LowPriorityWork.RunAsync(async () =>
        {
            await Task.Yield();
            throw new InvalidOperationException("calibration failed");
        }));
        Assert.Equal("calibration failed", error.Message);
    }
}
