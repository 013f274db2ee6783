using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace KnowledgePlatform.Infrastructure.BackgroundWork;

/// <summary>
/// A thread at the operating system's lowest priority that runs CPU-bound background work (a calibration's embeddings)
/// one item at a time, so that searches and ingestion on the same cores are never kept waiting by it (decision 0125).
/// Only the CPU-bound part runs here: the caller's own logic, and every lock it takes (the index, the database), stays
/// at normal priority, so a starved low-priority thread never holds what a request waits for.
/// </summary>
public sealed class LowPriorityThread : IDisposable
{
    /// <summary>Linux's lowest scheduling priority (nice 19): the thread runs when no normal thread wants the core.</summary>
    private const int LowestNice = 19;

    private readonly BlockingCollection<Action> _work = [];
    private readonly Thread _thread;

    public LowPriorityThread(string name)
    {
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Runs <paramref name="work"/> on this thread; its result, exception or cancellation reaches the caller.</summary>
    public Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                done.TrySetResult(work());
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                done.TrySetCanceled(cancellationToken);
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        }, cancellationToken);
        return done.Task;
    }

    /// <summary>The nice value of the calling thread, or null where the platform does not say (not Linux).</summary>
    public static int? CurrentNice()
    {
        if (!OperatingSystem.IsLinux()) return null;
        // /proc/thread-self/stat: "pid (name) state ..."; the 19th field is the nice value, and the name may hold spaces.
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[16], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Lets the work in hand finish and stops the thread.</summary>
    public void Dispose()
    {
        _work.CompleteAdding();
        _thread.Join(TimeSpan.FromSeconds(30));
    }

    private void Run()
    {
        Lower();
        foreach (var item in _work.GetConsumingEnumerable()) item();
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
