using KnowledgePlatform.Infrastructure.ChatModels;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.ModelHost;

/// <summary>
/// Admission control in front of the model: at most Sequences + QueueLimit requests are in the server at
/// once (the model itself runs at most Sequences of them); one more is turned away with a wait estimate
/// from recent request durations.
/// </summary>
public sealed class RequestQueue(IOptions<ModelHostOptions> options, IOptions<LlamaOptions> model)
{
    private readonly Lock _gate = new();
    private int _inFlight;
    private double _averageSeconds = 5;
    private long _rejected;

    public int Capacity => model.Value.Sequences + options.Value.QueueLimit;
    public int InFlight => Volatile.Read(ref _inFlight);
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>A ticket to release when the request ends, or null with how many seconds to wait before retrying.</summary>
    public Ticket? TryEnter(out int retryAfterSeconds)
    {
        lock (_gate)
        {
            if (_inFlight >= Capacity)
            {
                _rejected++;
                var rounds = (double)(_inFlight - model.Value.Sequences + 1) / model.Value.Sequences;
                retryAfterSeconds = (int)Math.Clamp(Math.Ceiling(_averageSeconds * Math.Max(rounds, 1)), 1, 600);
                return null;
            }
            _inFlight++;
            retryAfterSeconds = 0;
            return new Ticket(this, TimeProvider.System.GetTimestamp());
        }
    }

    private void Leave(long started)
    {
        var seconds = TimeProvider.System.GetElapsedTime(started).TotalSeconds;
        lock (_gate)
        {
            _inFlight--;
            _averageSeconds = 0.8 * _averageSeconds + 0.2 * seconds;
        }
    }

    public sealed class Ticket(RequestQueue queue, long started) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) queue.Leave(started);
        }
    }
}
