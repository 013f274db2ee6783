namespace KnowledgePlatform.Rag.Calibration;

/// <summary>
/// How well a score tells positives from negatives: the AUC, the probability that a random positive scores higher than
/// a random negative (ties count half: the Mann–Whitney statistic). The evidence gate's calibration reports it;
/// `kp-bench eval --answers` compares the gate's with a naive gate's.
/// </summary>
public static class ScoreSeparation
{
    /// <summary>The AUC; null without both positives and negatives.</summary>
    public static double? Auc(IReadOnlyCollection<double> positives, IReadOnlyCollection<double> negatives)
    {
        if (positives.Count == 0 || negatives.Count == 0) return null;
        var neg = negatives.Order().ToArray();
        // For each positive: negatives strictly below it, plus half of those equal to it (binary search on the sorted negatives).
        var wins = 0.0;
        foreach (var p in positives)
        {
            var below = LowerBound(neg, p);
            var notAbove = UpperBound(neg, p);
            wins += below + (notAbove - below) / 2.0;
        }
        return wins / ((double)positives.Count * neg.Length);
    }

    private static int LowerBound(double[] sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] < value) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private static int UpperBound(double[] sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] <= value) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
