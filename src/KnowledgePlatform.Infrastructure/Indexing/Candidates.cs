namespace KnowledgePlatform.Infrastructure.Indexing;

/// <summary>The best <c>capacity</c> slots offered so far, by score.</summary>
internal sealed class Candidates(int capacity)
{
    private readonly PriorityQueue<int, float> _worstFirst = new(capacity + 1);
    private float _worst = float.NegativeInfinity;

    public void Offer(int slot, float score)
    {
        if (_worstFirst.Count < capacity) _worstFirst.Enqueue(slot, score);
        else if (score > _worst) _worstFirst.EnqueueDequeue(slot, score);
        else return;
        if (_worstFirst.Count == capacity) _worstFirst.TryPeek(out _, out _worst);
    }

    /// <summary>Takes the slots out, worst first; the candidates are empty after.</summary>
    public IEnumerable<int> Drain()
    {
        while (_worstFirst.TryDequeue(out var slot, out _)) yield return slot;
    }
}
