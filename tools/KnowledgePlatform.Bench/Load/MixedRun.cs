using System.Diagnostics;
using System.Globalization;
using System.Text;
using Spectre.Console;

namespace KnowledgePlatform.Bench.Load;

/// <summary>
/// The mixed scenario of <c>kp-bench load</c>: widget visitors asking while a curator ingests at the same time.
/// </summary>
internal static class MixedRun
{
    /// <summary>
    /// Visitors ask a support question and a follow-up in the same conversation, pausing between questions
    /// (there is no feedback endpoint yet), while a curator uploads documents and waits for them to be ready.
    /// </summary>
    public static async Task<IReadOnlyList<LoadStep>> RunAsync(LoadClient client, BenchLoadSettings settings, IReadOnlyList<string> questions, CancellationToken ct)
    {
        var asks = new System.Collections.Concurrent.ConcurrentQueue<LoadOutcome>();
        var followUps = new System.Collections.Concurrent.ConcurrentQueue<LoadOutcome>();
        var uploads = new System.Collections.Concurrent.ConcurrentQueue<LoadOutcome>();
        var duration = TimeSpan.FromSeconds(settings.Duration);
        AnsiConsole.MarkupLineInterpolated($"  mixed: {settings.Visitors} visitors and one curator ingesting {settings.Documents} documents for {duration.TotalSeconds:0} s ...");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(duration);
        var clock = Stopwatch.StartNew();

        async Task Visitor(int id)
        {
            var random = new Random(id);
            await Pause(random.Next(settings.ThinkMs + 1));
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var first = await client.AskAsync(BenchLoadCommand.SupportKey, "customer-service", questions[random.Next(questions.Count)], null, stop.Token);
                    asks.Enqueue(first);
                    await Pause(settings.ThinkMs);
                    if (first.ConversationId is { } conversation && !stop.IsCancellationRequested)
                    {
                        followUps.Enqueue(await client.AskAsync(BenchLoadCommand.SupportKey, "customer-service", "And how long does that take?", conversation, stop.Token));
                        await Pause(settings.ThinkMs);
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }

        async Task Pause(int ms)
        {
            try { await Task.Delay(ms, stop.Token); } catch (OperationCanceledException) { }
        }

        var ready = 0;
        var failed = 0;
        TimeSpan? allReady = null;
        async Task Curator()
        {
            var pending = new List<string>();
            try
            {
                for (var i = 0; i < settings.Documents && !stop.IsCancellationRequested; i++)
                {
                    var (outcome, statusUrl) = await client.UploadAsync(BenchLoadCommand.SupportKey, "customer-service", $"bench-note-{i:000}.md", BenchDocument(i), stop.Token);
                    uploads.Enqueue(outcome);
                    if (statusUrl is not null) pending.Add(statusUrl);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            while (pending.Count > 0 && !stop.IsCancellationRequested)
            {
                await Pause(1000);
                foreach (var url in pending.ToList())
                {
                    try
                    {
                        var status = await client.DocumentStatusAsync(BenchLoadCommand.SupportKey, url, stop.Token);
                        if (status is "ready" or "failed")
                        {
                            pending.Remove(url);
                            if (status == "ready") ready++; else failed++;
                        }
                    }
                    catch (OperationCanceledException) when (stop.IsCancellationRequested)
                    {
                        return;
                    }
                }
            }
            if (pending.Count == 0) allReady = clock.Elapsed;
        }

        await Task.WhenAll(Enumerable.Range(0, settings.Visitors).Select(i => Task.Run(() => Visitor(i), CancellationToken.None)).Append(Curator()));
        ct.ThrowIfCancellationRequested();
        AnsiConsole.MarkupLineInterpolated($"  curator: {uploads.Count(u => u.Ok)} uploads accepted, {ready} ready, {failed} failed, all ready after {(allReady is { } t ? $"{t.TotalSeconds:0} s" : "- (not within the run)")}");
        IReadOnlyList<LoadStep> result =
        [
            new("mixed: visitor ask", settings.Visitors, clock.Elapsed, asks.ToList()),
            new("mixed: follow-up", settings.Visitors, clock.Elapsed, followUps.ToList()),
            new($"mixed: curator upload ({ready} of {settings.Documents} ready{(allReady is { } all ? $" after {all.TotalSeconds:0} s" : " within the run")})", 1, clock.Elapsed, uploads.ToList()),
        ];
        foreach (var step in result) BenchLoadCommand.Report(step);
        return result;
    }

    /// <summary>A support note of a few paragraphs, different for each number.</summary>
    private static byte[] BenchDocument(int i)
    {
        var text = new StringBuilder($"# Service note {i}: Northwind Hub model H{i}\n\n");
        for (var p = 0; p < 4; p++)
        {
            text.Append(CultureInfo.InvariantCulture, $"## Section {p + 1}\n\nThe Northwind Hub H{i} keeps setting {p} for {i % 7 + 2} days. ")
                .Append(CultureInfo.InvariantCulture, $"If the status light blinks {p + 2} times, restart the hub and wait {i % 5 + 1} minutes before pairing again. ")
                .Append("Customers who still see the problem can contact support with the serial number from the base of the hub.\n\n");
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
