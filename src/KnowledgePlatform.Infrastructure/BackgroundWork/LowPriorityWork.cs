using System.Runtime.InteropServices;

namespace KnowledgePlatform.Infrastructure.BackgroundWork;

/// <summary>
/// Runs background work (a knowledge base's calibration) on a thread of its own at the operating system's lowest
/// priority, so that searches and ingestion on the same cores are never kept waiting by it (decision 0125). Every
/// continuation of the work comes back to that thread; CPU-bound calls made from it (embedding with
/// <see cref="Core.Ports.EmbeddingPriority.Background"/>) run there too.
/// </summary>
public static class LowPriorityWork
{
    /// <summary>Linux's lowest scheduling priority (nice 19): the thread runs when no normal thread wants the core.</summary>
    private const int LowestNice = 19;

    public static Task<T> RunAsync<T>(Func<Task<T>> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() => Run(work, done)) { IsBackground = true, Name = "low-priority work" };
        thread.Start();
        return done.Task;
    }

    public static Task RunAsync(Func<Task> work) => RunAsync(async () =>
    {
        await work();
        return true;
    });

    /// <summary>The nice value of the calling thread, or null where the platform does not say (not Linux).</summary>
    public static int? CurrentNice()
    {
        if (!OperatingSystem.IsLinux()) return null;
        // /proc/thread-self/stat: "pid (name) state ..." — the 19th field is the nice value; the name may hold spaces.
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[16], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Run<T>(Func<Task<T>> work, TaskCompletionSource<T> done)
    {
        Lower();
        var context = new SingleThreadContext();
        SynchronizationContext.SetSynchronizationContext(context);
        Task<T> task;
        try
        {
            task = work();
        }
        catch (Exception ex)
        {
            done.SetException(ex);
            return;
        }
        task.ContinueWith(_ => context.Complete(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        context.RunUntilComplete();
        if (task.IsCanceled) done.SetCanceled();
        else if (task.IsFaulted) done.SetException(task.Exception!.InnerExceptions);
        else done.SetResult(task.Result);
    }

    private static void Lower()
    {
        if (OperatingSystem.IsLinux())
        {
            // Linux schedules threads, and setpriority with a thread id sets that thread's nice value alone. Raising
            // one's own nice value needs no privilege.
            try
            {
                if (SetPriority(0 /* PRIO_PROCESS */, GetThreadId(), LowestNice) == 0) return;
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
            }
        }
        // Elsewhere (Windows) the runtime maps this to the thread's own priority; on Linux it would be ignored.
        Thread.CurrentThread.Priority = ThreadPriority.Lowest;
    }

    // Plain DllImport: two int-only calls need no marshalling, and LibraryImport would need unsafe code allowed.
    [DllImport("libc", EntryPoint = "setpriority")]
    private static extern int SetPriority(int which, int who, int priority);

    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetThreadId();
}
