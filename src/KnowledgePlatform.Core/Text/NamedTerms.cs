namespace KnowledgePlatform.Core.Text;

/// <summary>
/// The words of a question that name something: capitalised words other than the first (HomeKit, Vision, CEO), words
/// with a digit (S2, E08, G3b, 65) and a first word written in capitals. A knowledge base that holds none of the
/// evidence naming such a thing cannot answer about it. Returned as <see cref="Terms"/> writes them.
/// </summary>
public static class NamedTerms
{
    public static IReadOnlyList<string> Of(string question)
    {
        var words = question.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var named = new List<string>();
        for (var i = 0; i < words.Length; i++)
        {
            var word = words[i].Trim('?', '.', '!', ',', ';', ':', '"', '\'', '(', ')', '“', '”', '‘', '’');
            if (word.EndsWith("'s", StringComparison.Ordinal) || word.EndsWith("’s", StringComparison.Ordinal)) word = word[..^2];
            if (word.Length == 0) continue;
            var capitalised = char.IsUpper(word[0]) && (i > 0 || (word.Length > 1 && word.All(c => !char.IsLetter(c) || char.IsUpper(c))));
            if (capitalised || word.Any(char.IsDigit)) named.AddRange(Terms.Of(word));
        }
        return named.Distinct().ToList();
    }
}
