namespace KnowledgePlatform.Infrastructure.Indexing.Qdrant;

/// <summary>What searches of some knowledge bases must hide now, and the epochs that tell whether it changed since.</summary>
public sealed record IndexView(IReadOnlyDictionary<string, long> Epochs, IReadOnlyList<IndexTransition> Transitions)
{
    public bool SameEpochs(IReadOnlyDictionary<string, long> now) =>
        now.Count == Epochs.Count && now.All(e => Epochs.TryGetValue(e.Key, out var epoch) && epoch == e.Value);
}
