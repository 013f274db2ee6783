using KnowledgePlatform.Core.Text;
using KnowledgePlatform.Rag.Retrieval;

namespace KnowledgePlatform.Rag.Answering.Extractive;

/// <summary>
/// Chooses the passages that answer the question asked (decision 0005): each passage is scored on how much of the
/// question's weighted words it holds (its own words most, its chunk's title and headings some) plus how highly
/// retrieval ranked its chunk (fused score and dense similarity, each against the best chunk). A table row whose key
/// names something the question does not is pushed down, and so is a passage that lacks one of the question's focus
/// words (its rarest words that the evidence does hold: the drug, the product, the error code, the patient group) is
/// pushed far down, so a question naming metformin is not answered with a gliclazide row, nor a question about children
/// with an adult dose, nor one about women who are not pregnant with a passage about pregnant women. A sentence's words
/// written only under a negation are not its own for a question that asks which or what, and a sentence with no negation
/// does not answer what is not (covered, included) (<see cref="NegatedWords"/>). The question's contractions are written
/// out (<see cref="Contractions"/>), a hyphenated word holds the word written solid (<see cref="HyphenatedWords"/>), and
/// a sentence about its own document ("This guide helps you…") is pushed down (<see cref="AboutTheDocument"/>). A kind the
/// question names in capitals ("in-home TV setup") is held by a passage that names a thing the evidence calls one ("Vision
/// 55 in-home delivery and setup", where the evidence writes "Vision 55 TVs": <see cref="NamedKinds"/>). A patient's value in
/// the question ("at eGFR 25") is held by a passage whose threshold or range includes it ("stop if eGFR is below 30",
/// <see cref="NumberConditions"/>), not only by one that writes the number, and is never a focus word; a table row whose
/// key is that range ("Age 80 and over" for a patient of 85) counts as keyed by what the question names, and so does a
/// sentence that writes a range holding the asker's value when no table row holds it. A question in two
/// parts ("how much, and by when?") gets a second passage when the first leaves a part unanswered and another passage
/// holds it. A table row whose key holds none of the question's words does not answer a question that names something no passage
/// holds (<see cref="AbsentWords"/>: "the maximum daily dose of tramadol" and the paracetamol row), and a question about
/// what something costs is not answered by a passage that gives no price of it (<see cref="AnswerType.GivesPrice"/>). A
/// value written in a passage about another measure is not held there (<see cref="NumberConditions.WrittenAboutAnother"/>:
/// a stage row's "150/95" for home readings, for a clinic reading of 150/95). The passages must hold
/// at least 20 % of the question's weight (a word no passage holds weighing as much as the rarest one), or nothing is
/// answered.
/// </summary>
public static class PassageSelector
{
    /// <summary>How much retrieval's ranking counts against word coverage when choosing the chunk (measured on the development sets: docs/benchmarks/answers.md).</summary>
    private const double RankWeight = 1.0;

    /// <summary>A word this long may be a focus word even when it is not a name.</summary>
    private const int FocusWordLength = 7;

    /// <summary>Score kept by a chunk or passage for each focus word it lacks.</summary>
    private const double MissingFocusFactor = 0.35;

    /// <summary>The passages must hold this share of the question's weighted words.</summary>
    public const double MinCoverage = 0.2;

    /// <summary>What a passage that holds words of the kind the question asks for (a price, a duration…) gains.</summary>
    private const double AnswerTypeBonus = 1.5;

    /// <summary>What a sentence about its document ("This guide helps you…") keeps of its score.</summary>
    private const double AboutTheDocumentFactor = 0.35;

    /// <summary>What a table row whose key holds none of the question's words keeps of its score.</summary>
    private const double NoKeyWord = 0.5;

    /// <summary>What a sentence whose range holds the asker's value counts, as a row keyed by what the question names does.</summary>
    private const double AboutTheValue = 2;

    /// <summary>Evidence chunks looked at, best first.</summary>
    private const int MaxChunks = 6;

    /// <param name="minCoverage">The share of the question the passages must hold; 0 answers whatever the evidence (answering everything, for evaluation).</param>
    public static IReadOnlyList<Passage> Select(string question, IReadOnlyList<RetrievedChunk> evidence, double minCoverage = MinCoverage)
    {
        // "won't" is "will not", not the words "won" and "t".
        question = Contractions.Expand(question);
        var terms = Terms.Stems(question).Distinct().ToList();
        var values = NumberConditions.Of(question).Where(v => v.Terms.All(terms.Contains)).ToList();
        // An age's "year old" is how it is written, not what the question asks about: a "10-year risk" says nothing of an 83-year-old.
        if (values.Any(v => v.IsAge)) terms = terms.Except(["year", "old"]).ToList();
        if (terms.Count == 0 || evidence.Count == 0) return [];
        var chunks = evidence.Take(MaxChunks).ToList();
        var procedure = Passages.AsksForProcedure(question);
        var passages = chunks.SelectMany((c, rank) => Passages.Of(c, rank, procedure)).ToList();
        if (passages.Count == 0) return [];

        // Each word stemmed once per question: neighbouring passages share most of their sentences.
        var stems = new Dictionary<string, string>(StringComparer.Ordinal);
        // A hyphenated word is also held written solid ("Wi-Fi" holds "wifi").
        HashSet<string> StemsOf(string text) => Terms.Of(text).Concat(HyphenatedWords.Solid(text))
            .Select(w => stems.TryGetValue(w, out var s) ? s : stems[w] = PorterStemmer.Stem(w)).ToHashSet();
        var core = passages.Select(p => StemsOf(p.Core)).ToList();
        // A sentence that writes the question's words only under a negation says where the answer is not (NegatedWords).
        // A question that asks what is not (covered, included) is answered by a sentence that negates, not by its opposite.
        var (negatedAside, negatedAsked) = (NegatedWords.Apply(question), NegatedWords.AsksWhatIsNot(question) ? NegatedWords.Of(question).ToList() : []);
        for (var i = 0; i < passages.Count; i++)
        {
            if (passages[i].Key is not null) continue;
            if (negatedAside) core[i].ExceptWith(NegatedWords.Of(passages[i].Core));
            else if (negatedAsked.Count > 0 && !NegatedWords.Negates(passages[i].Core)) core[i].ExceptWith(negatedAsked);
        }
        var extended = passages.Select(p => StemsOf($"{p.Extended} {p.Evidence.Chunk.DocumentTitle} {p.Evidence.Chunk.HeadingPath}")).ToList();
        // A kind the question names in capitals ("TV") is held by a passage that names a thing the evidence calls one ("Vision 55 TVs").
        var kinds = NamedKinds.Of(NamedTerms.Of(question).Where(n => !char.IsDigit(n[0])), chunks.Select(c => $"{c.Chunk.HeadingPath}\n{c.Chunk.Text}"));
        for (var i = 0; i < passages.Count && kinds.Count > 0; i++)
        {
            core[i].UnionWith(NamedKinds.HeldBy(core[i], kinds).ToList());
            extended[i].UnionWith(NamedKinds.HeldBy(extended[i], kinds).ToList());
        }
        // Weights: inverse frequency among the passages; a word no passage holds weighs as much as the rarest one.
        var df = terms.ToDictionary(t => t, t => extended.Count(w => w.Contains(t)));
        var weight = terms.ToDictionary(t => t, t => Math.Log(1 + (double)passages.Count / (1 + df[t])));
        var whole = terms.Sum(t => weight[t]);
        // A value the question gives ("eGFR 25") is held by a passage whose threshold includes it ("stop if eGFR is below
        // 30"), as context (its extended words, not its own), and the words keep the weights of where they are written.
        // A table row whose key is the range ("Age 80 and over" for a patient of 85) is about the value: its own word.
        var keyRange = passages.Select(p => p.Key is { } key ? NumberConditions.Covered(key, values).ToList() : []).ToList();
        // Focus words name what the question is about: names and codes, or long words (metformin, children), not its verbs.
        // A value is what the question gives, not what it is about: never a focus word.
        var named = NamedTerms.Of(question).Select(PorterStemmer.Stem).Except(values.SelectMany(v => v.Terms)).ToHashSet();
        var shared = SharedKeyWords(passages);
        // Among a table's rows keyed alike ("Stage 1", "Stage 2" for a question about a stage), the row whose cell's range
        // holds the question's value is about it: the value is its own word. Not a row whose key the question names less
        // than another's ("Most people with gout: below 360", for a patient with tophi at 340).
        var keyMatch = passages.Select((p, i) => p.Key is null || values.Count == 0 ? 0 : KeyMatch(p, terms, named, shared, keyRange[i].Count > 0)).ToList();
        var bestKey = Enumerable.Range(0, passages.Count).GroupBy(i => passages[i].Evidence.Chunk.ChunkId).ToDictionary(g => g.Key, g => g.Max(i => keyMatch[i]));
        var given = values.Where(v => v.Given).ToList();
        var ownRange = passages.Select(_ => new List<string>()).ToArray();
        var rowHoldsValue = false;
        for (var i = 0; i < passages.Count && values.Count > 0; i++)
        {
            // A value written about another measure is not held: "150/95" in a stage's home-reading cell, for a clinic reading.
            // A row is read as it is shown, each cell after its column's name ("Clinic BP: 140/90 to 159/99 mmHg").
            var text = passages[i].Key is null ? passages[i].Extended : passages[i].Display;
            var elsewhere = NumberConditions.WrittenAboutAnother(text, values).ToList();
            core[i].ExceptWith(elsewhere);
            extended[i].ExceptWith(elsewhere);
            var inRange = NumberConditions.Covered(text, values).ToList();
            extended[i].UnionWith(inRange);
            extended[i].UnionWith(NumberConditions.AgesSpokenTo(text, values));
            core[i].UnionWith(passages[i].Key is not null && keyMatch[i] >= bestKey[passages[i].Evidence.Chunk.ChunkId] ? inRange : keyRange[i]);
            if (passages[i].Key is null) ownRange[i] = NumberConditions.Covered(passages[i].Core, given).Except(elsewhere).ToList();
            else rowHoldsValue |= inRange.Count > 0;
        }
        // A sentence that writes a range holding the asker's value, and holds the rest of the question with its neighbours,
        // title and headings (a letter alone, the m of "I'm", is no word of it), is about it, as a row keyed by that range
        // is: "An HbA1c of 42–47 mmol/mol indicates prediabetes" for "My HbA1c is 44 mmol/mol. Do I have diabetes?" wins
        // over the FAQ on HbA1c targets ranked above it; "if it is below 4.0 mmol/L, treat it straight away" does not answer
        // "…3.5 mmol/L, what should I eat?". Not when a table row holds the value: a table of ranges (the stages of
        // hypertension) places it more exactly than a sentence whose range sets off an action ("if clinic blood pressure is
        // between 140/90 and 180/120, offer ABPM").
        var rangeSentence = ownRange.Select((own, i) => !rowHoldsValue && own.Count > 0 && terms.All(t => t.Length == 1 || extended[i].Contains(t))).ToArray();
        for (var i = 0; i < passages.Count; i++)
            if (rangeSentence[i]) core[i].UnionWith(ownRange[i]);
        // A row keyed by what the question names answers in the cells under its header: "the amoxicillin dose" is the
        // Amoxicillin row's "adult dose", so its header's words count as its own (not its document's title or headings).
        var rowWords = passages.Select((p, i) => p.Key is null ? core[i] : core[i].Union(StemsOf(p.Extended)).ToHashSet()).ToList();
        // A verb of the question in the passive voice ("how is the test performed") says how, not what: never a focus word.
        var passive = PassiveVerbs.Of(question).Select(PorterStemmer.Stem).ToHashSet();
        List<string> Focus(IReadOnlyList<string> of) => of
            .Where(t => (named.Contains(t) || (t.Length >= FocusWordLength && !passive.Contains(t)) || PatientGroups.IsGroup(t)) && df[t] > 0 && df[t] <= Math.Max(2, passages.Count / 5))
            .OrderByDescending(t => weight[t]).Take(2).ToList();
        double Share(IEnumerable<string> words, IReadOnlyCollection<string> of) => of.Sum(t => weight[t]) is var all and > 0 ? of.Where(words.Contains).Sum(t => weight[t]) / all : 0;
        // A group the question excludes ("not pregnant") that a passage names and never excludes: that passage is about the others.
        var excluded = PatientGroups.Of(question).Excluded;
        var groupsNamed = extended.Select(words => words.Select(PatientGroups.GroupOf).OfType<string>().ToHashSet()).ToList();
        var groupsOf = excluded.Count == 0 ? [] : passages.Select(p => PatientGroups.Of($"{p.Extended} {p.Evidence.Chunk.DocumentTitle} {p.Evidence.Chunk.HeadingPath}")).ToList();
        double Penalty(int i, IReadOnlyList<string> focus) => Math.Pow(MissingFocusFactor,
            focus.Count(t => !extended[i].Contains(t)) + excluded.Count(g => groupsOf[i].Named.Contains(g) && !groupsOf[i].Excluded.Contains(g)));

        // Retrieval's view of each chunk: its fused score and its dense similarity, each against the best of the evidence.
        var topScore = Math.Max(chunks.Max(c => c.Score), 1e-9);
        var (denseMax, denseMin) = (chunks.Max(c => c.DenseScore ?? 0), chunks.Min(c => c.DenseScore ?? 0));
        double Prior(RetrievedChunk c) => 0.5 * Math.Clamp(c.Score / topScore, 0, 1)
            + 0.5 * (denseMax > denseMin ? ((c.DenseScore ?? denseMin) - denseMin) / (denseMax - denseMin) : 1);
        var indexes = Enumerable.Range(0, passages.Count).ToList();
        // A sentence about its document ("This guide helps you connect…") names its subject and answers nothing of it.
        var aboutTheDocument = passages.Select(p => p.Key is null && AboutTheDocument.Is(p.Core)).ToList();

        // The passage that best answers one part of the question (or the whole of it): how much of the part it holds (its
        // own words most), with its chunk's rank, and pushed down when it lacks a focus word or is a row about another thing.
        int Best(IReadOnlyList<string> part, Func<string, bool>? kind)
        {
            var focus = Focus(part);
            // A question about a patient group (children, pregnancy) is answered only by a passage about that group.
            var groups = part.Select(PatientGroups.GroupOf).OfType<string>().Distinct().ToList();
            return indexes.Where(i => groups.All(groupsNamed[i].Contains))
                .Select(i => (Index: i, Key: rangeSentence[i] ? AboutTheValue : KeyMatch(passages[i], part, named, shared, keyRange[i].Count > 0)))
                .Select(x => (x.Index, Score: ((0.6 * Share(x.Key >= 2 ? rowWords[x.Index] : core[x.Index], part) + 0.4 * Share(extended[x.Index], part)) * x.Key + RankWeight * Prior(passages[x.Index].Evidence))
                    * Penalty(x.Index, focus) * (kind is not null && kind(passages[x.Index].Display) ? AnswerTypeBonus : 1)
                    * (aboutTheDocument[x.Index] ? AboutTheDocumentFactor : 1)))
                .OrderByDescending(x => x.Score).ThenBy(x => x.Index).Select(x => x.Index).DefaultIfEmpty(-1).First();
        }

        // A question about something no passage mentions ("the maximum daily dose of tramadol") is not answered with a table
        // row about another thing (the paracetamol row, which holds every other word of it).
        var questionWords = Terms.Of(question).ToHashSet();
        var absent = minCoverage > 0 && passages.Any(p => p.Key is not null) ? AbsentWords.Of(question, extended.SelectMany(w => w).ToHashSet(),
            () => passages.SelectMany(p => Terms.Of($"{p.Extended} {p.Evidence.Chunk.DocumentTitle} {p.Evidence.Chunk.HeadingPath}")).ToHashSet()) : [];
        bool AboutAnotherThing(int i, IReadOnlyCollection<string> part) =>
            absent.Count > 0 && passages[i].Key is { } key && KeyMatch(passages[i], part, named, shared, keyRange[i].Count > 0) <= NoKeyWord
            && !Terms.Of(key).Any(k => k.Length >= 5 && questionWords.Any(w => AbsentWords.Same(w, k)));

        // A question that asks two things gets a passage for each.
        var texts = QuestionParts.Of(question);
        var parts = texts.Select(p => (Terms: Terms.Stems(p).Distinct().Where(weight.ContainsKey).ToList(), Kind: AnswerType.Of(p), Price: AnswerType.AsksForPrice(p)))
            .Where(p => p.Terms.Count > 0).ToList();
        var chosen = new List<int>();
        foreach (var (part, kind, price) in parts.Count > 1 ? parts : [(terms, AnswerType.Of(question), AnswerType.AsksForPrice(question))])
        {
            var passage = Best(part, kind);
            if (passage < 0 || AboutAnotherThing(passage, part)) continue;
            // What something costs is not answered with a passage that gives no price of it ("how much does the Vision 55
            // cost?" and its delivery options, whose one price is the charge for a missed appointment). Looking further
            // down for one that does answered with the price of another thing (the TV's remote).
            if (price && minCoverage > 0 && !AnswerType.GivesPrice(passages[passage].Display, part, named.Where(part.Contains).ToList(),
                    $"{passages[passage].Evidence.Chunk.DocumentTitle} {passages[passage].Evidence.Chunk.HeadingPath} {string.Join(' ', NamedKinds.HeldBy(core[passage], kinds))}")) continue;
            if (!chosen.Any(c => c == passage || Overlaps(passages[c], passages[passage]))) chosen.Add(passage);
        }
        if (chosen.Count == 0) return [];

        // The floor is on what the question asks about: an asker's own value ("I'm 68") that the passages chosen neither
        // write nor hold in a range counts neither way.
        var covered = chosen.SelectMany(i => extended[i]).ToHashSet();
        var asked = terms.Except(values.Where(v => v.Given && !v.Terms.Any(covered.Contains)).SelectMany(v => v.Terms)).ToList();
        return minCoverage > 0 && Share(covered, asked.Count > 0 ? asked : terms) < minCoverage
            ? []
            : chosen.Select(i => passages[i]).ToList();
    }

    /// <summary>
    /// A table row is about its key (its first cell). A row counts double when the question names its key: all of the
    /// key's words, one of them a name or a long word (E08, metformin) or the key written as a name ("Next Day" for
    /// "next-day delivery"); or all of the question's names, inside a longer key (the Sweep S2 in "Northwind Sweep S2
    /// robot vacuum"; a name most keys of the table hold, such as the brand, tells no row apart). So the cost of Next Day
    /// shipping wins over a sentence about shipping costs elsewhere. A row whose key's words the question uses otherwise
    /// (low risk) gains up to half again (not for a word of the document's title, which names every row), a row whose key is
    /// a range that holds the question's value ("Age 80 and over" for a patient of 85) counts double, and a row whose key
    /// the question does not name at all (the dustbin, for a question about the battery) keeps half its score.
    /// </summary>
    private static double KeyMatch(Passage passage, IReadOnlyCollection<string> part, IReadOnlySet<string> named, IReadOnlyDictionary<string, HashSet<string>> shared,
        bool keyHoldsValue)
    {
        if (passage.Key is null) return 1;
        if (keyHoldsValue) return 2;
        var key = Terms.Stems(passage.Key).Distinct().ToList();
        if (key.Count == 0) return 1;
        var held = key.Count(part.Contains);
        if (held == 0) return NoKeyWord;
        var common = shared.GetValueOrDefault(passage.Evidence.Chunk.ChunkId);
        var names = part.Where(t => named.Contains(t) && common?.Contains(t) != true).ToList();
        var namesKey = held == key.Count && (key.Any(k => named.Contains(k) || k.Length >= FocusWordLength) || IsName(passage.Key));
        if (namesKey || (names.Count > 0 && names.All(key.Contains))) return 2;
        // A word of the document's title names every row of its tables, not this one: "gout" in a gout guideline's
        // "Most people with gout" does not make that row the answer for a patient with tophi.
        var title = Terms.Stems(passage.Evidence.Chunk.DocumentTitle).ToHashSet();
        return 1 + 0.5 * key.Count(k => part.Contains(k) && !title.Contains(k)) / key.Count;
    }

    /// <summary>By table chunk, the key words that more than half of its rows' keys hold (two rows or more).</summary>
    private static Dictionary<string, HashSet<string>> SharedKeyWords(IEnumerable<Passage> passages) =>
        passages.Where(p => p.Key is not null).GroupBy(p => p.Evidence.Chunk.ChunkId).Where(rows => rows.Count() > 1).ToDictionary(
            rows => rows.Key,
            rows => rows.SelectMany(p => Terms.Stems(p.Key!).Distinct()).GroupBy(k => k).Where(k => k.Count() * 2 > rows.Count()).Select(k => k.Key).ToHashSet());

    /// <summary>Two words or more, each capitalised: "Next Day", "Aura Mini" (a single capitalised word is only a cell's first letter).</summary>
    private static bool IsName(string text)
    {
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words.Length > 1 && words.All(w => !char.IsLetter(w[0]) || char.IsUpper(w[0]));
    }

    private static bool Overlaps(Passage a, Passage b) =>
        a.Evidence.Chunk.ChunkId == b.Evidence.Chunk.ChunkId && (a.Quote.Contains(b.Core, StringComparison.Ordinal) || b.Quote.Contains(a.Core, StringComparison.Ordinal));
}
