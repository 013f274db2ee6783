namespace KnowledgePlatform.Core.Text;

/// <summary>
/// How many single-letter edits (a letter added, removed, changed, or two neighbours swapped) turn one word into another:
/// "replacment" is one from "replacement", "recieve" one from "receive". Used to tell a misspelt word from a word that is
/// not there at all.
/// </summary>
public static class EditDistance
{
    /// <summary>Whether <paramref name="a"/> becomes <paramref name="b"/> in at most <paramref name="max"/> edits.</summary>
    public static bool Within(string a, string b, int max)
    {
        if (Math.Abs(a.Length - b.Length) > max) return false;
        if (a == b) return true;
        // Optimal string alignment over three rows, stopped as soon as a whole row is over the limit.
        var before = new int[b.Length + 1];
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var best = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var d = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d = Math.Min(d, before[j - 2] + 1);
                current[j] = d;
                best = Math.Min(best, d);
            }
            if (best > max) return false;
            (before, previous, current) = (previous, current, before);
        }
        return previous[b.Length] <= max;
    }
}
