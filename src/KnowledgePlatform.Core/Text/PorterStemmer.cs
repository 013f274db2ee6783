using System.Buffers;
using System.Collections.Concurrent;

namespace KnowledgePlatform.Core.Text;

/// <summary>
/// The Porter (1980) suffix-stripping stemmer for English, as in Martin Porter's reference
/// implementation ("connections", "connected", "connecting" → "connect"). Only lower-case ASCII words
/// are stemmed; anything else comes back unchanged.
/// </summary>
public static class PorterStemmer
{
    public static string Stem(string word)
    {
        if (word.Length <= 2 || word.AsSpan().ContainsAnyExcept(AsciiLowerLetters)) return word;
        if (Known.TryGetValue(word, out var known)) return known;
        var stem = Compute(word);
        // A word's stem never changes: the commonest words of a language are a few thousand, so remembering the first
        // ones seen spares most of the work (stemming was 60 % of indexing a chunk's text) in bounded memory.
        if (Volatile.Read(ref _known) < KnownLimit && Known.TryAdd(word, stem)) Interlocked.Increment(ref _known);
        return stem;
    }

    private const int KnownLimit = 100_000;
    private static int _known;
    private static readonly ConcurrentDictionary<string, string> Known = new(StringComparer.Ordinal);
    private static readonly SearchValues<char> AsciiLowerLetters = SearchValues.Create("abcdefghijklmnopqrstuvwxyz");

    private static string Compute(string word)
    {
        var s = new Stemming(word);
        s.Step1Ab();
        if (s.K > 0)
        {
            s.Step1C();
            s.Step2();
            s.Step3();
            s.Step4();
            s.Step5();
        }
        return s.Result;
    }

    private sealed class Stemming(string word)
    {
        private readonly char[] _b = [.. word, .. new char[8]];
        private int _j;

        /// <summary>Index of the last character of the word as stemmed so far.</summary>
        public int K { get; private set; } = word.Length - 1;

        public string Result => new(_b, 0, K + 1);

        private bool Consonant(int i) => _b[i] switch
        {
            'a' or 'e' or 'i' or 'o' or 'u' => false,
            'y' => i == 0 || !Consonant(i - 1),
            _ => true,
        };

        /// <summary>The number of vowel-consonant sequences in the stem b[0..j].</summary>
        private int Measure()
        {
            var n = 0;
            var i = 0;
            while (i <= _j && Consonant(i)) i++;
            while (true)
            {
                while (i <= _j && !Consonant(i)) i++;
                if (i > _j) return n;
                n++;
                while (i <= _j && Consonant(i)) i++;
                if (i > _j) return n;
            }
        }

        private bool VowelInStem()
        {
            for (var i = 0; i <= _j; i++)
                if (!Consonant(i)) return true;
            return false;
        }

        private bool DoubleConsonant(int j) => j >= 1 && _b[j] == _b[j - 1] && Consonant(j);

        /// <summary>consonant-vowel-consonant ending at i, the last consonant not w, x or y ("hop", not "snow").</summary>
        private bool Cvc(int i) =>
            i >= 2 && Consonant(i) && !Consonant(i - 1) && Consonant(i - 2) && _b[i] is not ('w' or 'x' or 'y');

        private bool Ends(string suffix)
        {
            var length = suffix.Length;
            if (length > K + 1 || suffix[^1] != _b[K]) return false;
            if (!_b.AsSpan(K - length + 1, length).SequenceEqual(suffix)) return false;
            _j = K - length;
            return true;
        }

        private void SetTo(string replacement)
        {
            replacement.CopyTo(0, _b, _j + 1, replacement.Length);
            K = _j + replacement.Length;
        }

        private void Replace(string replacement)
        {
            if (Measure() > 0) SetTo(replacement);
        }

        /// <summary>Plurals and -ed or -ing: caresses → caress, ponies → poni, agreed → agree, hopping → hop.</summary>
        public void Step1Ab()
        {
            if (_b[K] == 's')
            {
                if (Ends("sses")) K -= 2;
                else if (Ends("ies")) SetTo("i");
                else if (_b[K - 1] != 's') K--;
            }
            if (Ends("eed"))
            {
                if (Measure() > 0) K--;
            }
            else if ((Ends("ed") || Ends("ing")) && VowelInStem())
            {
                K = _j;
                if (Ends("at")) SetTo("ate");
                else if (Ends("bl")) SetTo("ble");
                else if (Ends("iz")) SetTo("ize");
                else if (DoubleConsonant(K))
                {
                    K--;
                    if (_b[K] is 'l' or 's' or 'z') K++;
                }
                else
                {
                    _j = K;
                    if (Measure() == 1 && Cvc(K)) SetTo("e");
                }
            }
        }

        /// <summary>Terminal y to i when there is another vowel in the stem.</summary>
        public void Step1C()
        {
            if (Ends("y") && VowelInStem()) _b[K] = 'i';
        }

        /// <summary>Double suffixes to single ones: -ization → -ize, -ational → -ate.</summary>
        public void Step2()
        {
            string[][] rules = _b[K - 1] switch
            {
                'a' => [["ational", "ate"], ["tional", "tion"]],
                'c' => [["enci", "ence"], ["anci", "ance"]],
                'e' => [["izer", "ize"]],
                'l' => [["bli", "ble"], ["alli", "al"], ["entli", "ent"], ["eli", "e"], ["ousli", "ous"]],
                'o' => [["ization", "ize"], ["ation", "ate"], ["ator", "ate"]],
                's' => [["alism", "al"], ["iveness", "ive"], ["fulness", "ful"], ["ousness", "ous"]],
                't' => [["aliti", "al"], ["iviti", "ive"], ["biliti", "ble"]],
                'g' => [["logi", "log"]],
                _ => [],
            };
            ApplyFirst(rules);
        }

        /// <summary>-ic-, -full, -ness and the like.</summary>
        public void Step3()
        {
            string[][] rules = _b[K] switch
            {
                'e' => [["icate", "ic"], ["ative", ""], ["alize", "al"]],
                'i' => [["iciti", "ic"]],
                'l' => [["ical", "ic"], ["ful", ""]],
                's' => [["ness", ""]],
                _ => [],
            };
            ApplyFirst(rules);
        }

        private void ApplyFirst(string[][] rules)
        {
            foreach (var rule in rules)
            {
                if (!Ends(rule[0])) continue;
                Replace(rule[1]);
                return;
            }
        }

        /// <summary>-ant, -ence and the like, in context &lt;c&gt;vcvc&lt;v&gt;.</summary>
        public void Step4()
        {
            if (K < 1) return;
            string[] suffixes = _b[K - 1] switch
            {
                'a' => ["al"],
                'c' => ["ance", "ence"],
                'e' => ["er"],
                'i' => ["ic"],
                'l' => ["able", "ible"],
                'n' => ["ant", "ement", "ment", "ent"],
                'o' => ["ion", "ou"],
                's' => ["ism"],
                't' => ["ate", "iti"],
                'u' => ["ous"],
                'v' => ["ive"],
                'z' => ["ize"],
                _ => [],
            };
            foreach (var suffix in suffixes)
            {
                if (!Ends(suffix)) continue;
                // -ion only goes after s or t.
                if (suffix == "ion" && (_j < 0 || _b[_j] is not ('s' or 't'))) continue;
                if (Measure() > 1) K = _j;
                return;
            }
        }

        /// <summary>A final -e when m &gt; 1, and -ll to -l when m &gt; 1.</summary>
        public void Step5()
        {
            _j = K;
            if (_b[K] == 'e')
            {
                var m = Measure();
                if (m > 1 || (m == 1 && !Cvc(K - 1))) K--;
            }
            if (_b[K] == 'l' && DoubleConsonant(K) && Measure() > 1) K--;
        }
    }
}
