using KnowledgePlatform.Rag.Answering.Extractive;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Rag.Answering;
using KnowledgePlatform.Rag.Retrieval;
using Xunit;

namespace KnowledgePlatform.Tests.Answering;

/// <summary>How the extractive answer is chosen from passages, shown and cited; the table-row rules are in <see cref="TableRowAnswerTests"/>.</summary>
public sealed class ExtractiveAnswererTests
{
    /// <summary>A chunk of evidence from a file, ranked first.</summary>
    internal static RetrievedChunk Evidence(string id, string text, ChunkKind kind = ChunkKind.Text, string file = "guide.md", int? page = null) =>
        new(new ChunkPayload(id, "t", "kb", "doc-" + id, "Title " + id, file, 0, text, "Guide › Dosing", page, null, kind), 0.03, 0.6, 1, null, null);

    /// <summary>A chunk of evidence with its document's title and headings, as retrieval ranked it (fused score, dense similarity).</summary>
    internal static RetrievedChunk Evidence(string id, string text, ChunkKind kind, string title, string headings, double score, double dense) =>
        new(new ChunkPayload(id, "t", "kb", "doc-" + id, title, id + ".md", 0, text, headings, null, null, kind), score, dense, 1, null, null);

    /// <summary>The chunk as retrieval ranked it: its fused score and dense similarity.</summary>
    internal static RetrievedChunk Ranked(RetrievedChunk c, double score, double dense) => c with { Score = score, DenseScore = dense };

    internal const string ShippingTable = "| Method | Delivery time | Cost |\n| --- | --- | --- |\n| Standard | 3 to 5 business days | $5.99 |\n| Next Day | 1 business day | $24.99 |";

    /// <summary>The extractive answer to the question from the evidence: its text, citations and completion.</summary>
    internal static async Task<(string Text, IReadOnlyList<Citation> Citations, AnswerCompleted Done)> Answer(string question, params RetrievedChunk[] evidence)
    {
        var text = "";
        IReadOnlyList<Citation> citations = [];
        AnswerCompleted? done = null;
        await foreach (var e in new ExtractiveAnswerer().GenerateAsync(new AnswerRequest(question, evidence), TestContext.Current.CancellationToken))
        {
            switch (e)
            {
                case AnswerDelta d: text += d.Text; break;
                case AnswerCitations c: citations = c.Citations; break;
                case AnswerCompleted c: done = c; break;
            }
        }
        return (text, citations, done!);
    }

    [Fact]
    public async Task Quotes_the_sentence_that_answers_and_cites_its_chunk()
    {
        var (text, citations, done) = await Answer(
            "What is the maximum daily dose of paracetamol?",
            Evidence("a", "Ibuprofen is an anti-inflammatory. The usual adult dose is 400 mg."),
            Evidence("b", "Paracetamol is used for pain. The maximum daily dose of paracetamol for adults is 4 g. Take it with water.", page: 2));

        Assert.Equal(AnswerStatus.Answered, done.Status);
        // The sentence with its neighbours in the paragraph, cited once.
        Assert.Equal("Paracetamol is used for pain. The maximum daily dose of paracetamol for adults is 4 g. Take it with water. [1]", text);
        Assert.DoesNotContain("Ibuprofen", text, StringComparison.Ordinal);
        var citation = Assert.Single(citations, c => c.ChunkId == "b");
        Assert.Equal(1, citation.Number);
        Assert.Contains("maximum daily dose of paracetamol for adults is 4 g", citation.Quote, StringComparison.Ordinal);
        Assert.Equal(2, citation.Page);
        // That no model wrote it is the answer's model, for each channel to say (or not): never in the text.
        Assert.Equal(ExtractiveAnswerer.ModelName, done.Model);
        Assert.DoesNotContain(ExtractiveAnswerer.Notice, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Says_not_found_without_citations_when_there_is_no_evidence()
    {
        var (text, citations, done) = await Answer("What is the capital of France?");

        Assert.Equal(AnswerStatus.InsufficientEvidence, done.Status);
        Assert.Equal(ExtractiveAnswerer.NotFound, text);
        Assert.Empty(citations);
    }

    [Fact]
    public async Task Says_not_found_when_no_sentence_shares_a_word_with_the_question()
    {
        var (_, citations, done) = await Answer("Which warranty covers batteries?", Evidence("a", "Paracetamol relieves fever."));

        Assert.Equal(AnswerStatus.InsufficientEvidence, done.Status);
        Assert.Empty(citations);
    }

    [Fact]
    public async Task A_table_row_is_quoted_with_its_header()
    {
        var table = "| Drug | Max daily dose |\n| --- | --- |\n| Ibuprofen | 1200 mg |\n| Paracetamol | 4 g |";
        var (text, citations, _) = await Answer("paracetamol max daily dose", Evidence("t", table, ChunkKind.Table, "dosing.csv"));

        Assert.Contains("Drug: Paracetamol; Max daily dose: 4 g.", text, StringComparison.Ordinal);
        var citation = Assert.Single(citations);
        Assert.Equal("| Drug | Max daily dose |\n| Paracetamol | 4 g |", citation.Quote);
        Assert.Equal("dosing.csv", citation.FileName);
    }

    [Fact]
    public async Task A_faq_answer_is_shown_and_the_whole_pair_is_quoted()
    {
        var (text, citations, _) = await Answer("How long is the warranty?",
            Evidence("q", "Q: How long is the warranty?\nA: Every device has a two-year limited warranty.", ChunkKind.QuestionAnswer));

        Assert.StartsWith("Every device has a two-year limited warranty. [1]", text, StringComparison.Ordinal);
        Assert.Equal("Q: How long is the warranty? A: Every device has a two-year limited warranty.", Assert.Single(citations).Quote);
    }

    [Fact]
    public async Task Each_cited_chunk_gets_one_number_even_when_several_of_its_sentences_are_used()
    {
        var (text, citations, _) = await Answer("warfarin INR monitoring",
            Evidence("w", "Warfarin needs INR monitoring. Monitoring of INR is weekly at first. Warfarin interacts with many drugs."));

        Assert.Single(citations);
        Assert.DoesNotContain("[2]", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_question_about_children_is_not_answered_with_an_adult_dose()
    {
        var table = "| Drug | Group | Dose |\n| --- | --- | --- |\n| Paracetamol | Adults | 500 mg to 1 g every 4 to 6 hours, at most 4 g in 24 hours |\n" +
            "| Paracetamol | Children 6 to 12 years | 250 to 500 mg every 4 to 6 hours, at most 4 doses in 24 hours |";
        var (text, _, _) = await Answer("What paracetamol dose is safe for children?", Evidence("t", table, ChunkKind.Table, "drug-dosing.csv"));

        Assert.StartsWith("Drug: Paracetamol; Group: Children 6 to 12 years;", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Adults", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_list_item_comes_with_its_lead_in()
    {
        var (text, _, _) = await Answer("What should I do if my blood sugar is below 4 mmol/L?",
            Evidence("l", "If your blood sugar is below 4 mmol/L:\n- Take 15 to 20 g of fast-acting sugar, such as glucose tablets.\n- Recheck after 10 to 15 minutes.\nSee your nurse about your plan."));

        Assert.StartsWith("If your blood sugar is below 4 mmol/L: [1]\n- Take 15 to 20 g of fast-acting sugar", text, StringComparison.Ordinal);
        Assert.Contains("- Recheck after 10 to 15 minutes. [1]", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_chunk_retrieval_ranked_first_wins_when_two_chunks_cover_the_question_alike()
    {
        RetrievedChunk Ranked(string id, string text, double score) => Evidence(id, text) with { Score = score };
        var (_, citations, _) = await Answer("How long does delivery take?",
            Ranked("first", "Standard delivery takes 3 to 5 working days.", 0.9),
            Ranked("second", "Delivery of large items takes longer.", 0.3));

        Assert.Equal("first", citations[0].ChunkId);
    }

    [Fact]
    public async Task Nothing_is_answered_when_the_best_passage_holds_too_little_of_the_question()
    {
        var (text, citations, done) = await Answer("How is acute appendicitis diagnosed in children?",
            Evidence("a", "Children should drink water with every meal."));

        Assert.Equal(AnswerStatus.InsufficientEvidence, done.Status);
        Assert.Equal(ExtractiveAnswerer.NotFound, text);
        Assert.Empty(citations);
    }

    [Fact]
    public async Task A_question_about_a_patient_group_is_answered_by_the_passage_about_that_group_even_when_another_ranks_higher()
    {
        var table = "| Infection | First choice | Duration |\n| --- | --- | --- |\n| Lower UTI, non-pregnant women | Nitrofurantoin 100 mg twice daily | 3 days |\n| Lower UTI, men | Trimethoprim 200 mg twice daily | 7 days |";
        var (text, _, done) = await Answer("What is the first-choice antibiotic for uncomplicated cystitis in non-pregnant women?",
            Ranked(Evidence("leaflet", "Cystitis is common in women. A pharmacist can give first-choice advice about antibiotic treatment for uncomplicated cystitis."), 0.9, 0.8),
            Ranked(Evidence("table", table, ChunkKind.Table, "antibiotics.md"), 0.5, 0.6));

        Assert.Equal(AnswerStatus.Answered, done.Status);
        Assert.Contains("Nitrofurantoin", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_question_about_people_not_in_a_patient_group_is_not_answered_with_the_passage_about_that_group()
    {
        var table = "| Infection | First choice | Duration |\n| --- | --- | --- |\n| Lower urinary tract infection, non-pregnant women | Nitrofurantoin 100 mg twice daily | 3 days |\n" +
            "| Lower urinary tract infection, men | Trimethoprim 200 mg twice daily | 7 days |";
        var (text, _, _) = await Answer("First-line treatment for lower urinary tract infection in women who are not pregnant?",
            Ranked(Evidence("leaflet", "See a doctor first if you are one of these:\n- women who are pregnant\n- men with urinary symptoms"), 0.95, 0.73),
            Ranked(Evidence("table", table, ChunkKind.Table, "antibiotics.md"), 0.6, 0.66));

        Assert.Contains("Nitrofurantoin", text, StringComparison.Ordinal);
        Assert.DoesNotContain("women who are pregnant", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_question_about_a_pregnant_woman_is_answered_by_the_passage_about_pregnancy()
    {
        var (text, _, done) = await Answer("Pregnant woman with low-severity pneumonia who is allergic to penicillin - which antibiotic?",
            Evidence("pneumonia", "Low severity (CURB-65 0–1):\n- First choice: amoxicillin 500 mg three times daily orally for 5 days.\n" +
                "- Penicillin allergy: doxycycline 200 mg on day 1, then 100 mg once daily, or clarithromycin 500 mg twice daily.\n" +
                "- In pregnancy, use erythromycin 500 mg four times daily for 5 days if penicillin-allergic."));

        Assert.Equal(AnswerStatus.Answered, done.Status);
        Assert.Contains("erythromycin", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task How_often_is_answered_by_the_passage_that_says_how_often_even_without_a_number()
    {
        var (text, _, _) = await Answer("How often should I wash my spacer?",
            Evidence("leaflet", "- Wash it once a month in warm water with a little washing-up liquid.\n- Do not rinse it; let it drip-dry in the air.\n" +
                "- Replace your spacer every 12 months, or sooner if it is cracked.", ChunkKind.Text, "Using your inhaler", "Using your inhaler › Looking after your spacer", 0.9, 0.7));

        // The list opens its chunk under the heading, which leads it in.
        Assert.StartsWith("Looking after your spacer: [1]\n- Wash it once a month", text, StringComparison.Ordinal);
        Assert.DoesNotContain("every 12 months", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task What_a_level_should_be_is_answered_by_the_passage_that_gives_the_level()
    {
        var (text, _, _) = await Answer("What should my blood sugar be before I drive?",
            Evidence("leaflet", "- Check your blood sugar no more than 2 hours before driving and every 2 hours on long journeys.\n" +
                "- Your blood sugar should be at least 5.0 mmol/L to drive: \"five to drive\".\n- Always keep fast-acting sugar within easy reach in the car."));

        Assert.Contains("- Your blood sugar should be at least 5.0 mmol/L", text, StringComparison.Ordinal);
        Assert.DoesNotContain("no more than 2 hours", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_list_under_a_heading_that_names_the_problem_answers_with_the_fix_the_heading_leads_in()
    {
        var (text, _, _) = await Answer("movies look weird and way too smooth, like a soap opera, on the V55",
            Evidence("fix", "- Go to Picture > Advanced > TrueMotion and choose Off, or switch to Filmmaker Mode.\n" +
                "- If you like some smoothing for sports, use the Cinematic setting, which reduces judder without the soap opera look.",
                ChunkKind.Text, "Vision 55 picture guide", "Vision 55 picture guide › Common picture problems › Movies look too smooth (\"soap opera effect\")", 0.9, 0.7));

        Assert.StartsWith("Movies look too smooth (\"soap opera effect\"): [1]\n- Go to Picture > Advanced > TrueMotion and choose Off", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_items_of_one_list_under_a_heading_show_the_heading_once()
    {
        var (text, _, _) = await Answer("Asthma attack with PEF at 40% of best and heart rate 115 - how severe is it?",
            Evidence("severe", "- PEF 33–50% of best or predicted\n- respiratory rate 25 breaths per minute or more\n- heart rate 110 beats per minute or more\n" +
                "- inability to complete sentences in one breath\n- saturation of 92% or more\n- increased breathlessness and wheeze\n- use of accessory muscles",
                ChunkKind.Text, "Asthma guideline", "Asthma guideline › Acute asthma › Acute severe asthma (any one)", 0.9, 0.7));

        Assert.StartsWith("Acute severe asthma (any one): [1]", text, StringComparison.Ordinal);
        Assert.Equal(1, text.Split('\n').Count(l => l.StartsWith("Acute severe asthma", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_question_with_a_patients_value_is_answered_by_the_threshold_that_includes_it_not_a_row_that_repeats_the_number()
    {
        // The demo knowledge base's evidence for this question: "eGFR 25" is under the passage's "below 30", while the heart
        // failure row holds "25" as a word and says nothing of metformin.
        var metformin = "- Offer standard-release metformin, starting at 500 mg once daily with a meal, and increase gradually over several weeks to reduce gastrointestinal side effects.\n" +
            "- If standard-release metformin causes gastrointestinal intolerance, try modified-release metformin.\n" +
            "- Review the dose if eGFR is below 45 mL/min/1.73 m²; stop if eGFR is below 30 mL/min/1.73 m².";
        var dosing = "| drug | indication | adult dose | max daily dose | renal adjustment |\n| --- | --- | --- | --- | --- |\n" +
            "| Metformin | Type 2 diabetes | 500 mg once daily with breakfast, increased by 500 mg every 1 to 2 weeks to 1 g twice daily | 2 g | eGFR 30 to 45: review and usually limit to 1 g daily; stop if eGFR below 30 |\n" +
            "| Gliclazide | Type 2 diabetes | 40 to 80 mg once daily with breakfast, adjusted to response | 320 mg | Use with caution and monitor closely in renal impairment |";
        var monitoring = "| Result | Action |\n| --- | --- |\n" +
            "| Creatinine rises by up to 50% above baseline (or to 266 micromol/L), or eGFR falls but stays above 25 | Acceptable; continue and recheck in 1 to 2 weeks |\n" +
            "| Potassium above 5.5 mmol/L | Halve the MRA dose (and review ACE inhibitor/ARB/ARNI); recheck |";
        var (text, citations, done) = await Answer("What is the metformin dose at eGFR 25?",
            Evidence("diabetes", metformin, ChunkKind.Text, "Type 2 Diabetes in Adults", "Drug treatment › First-line: metformin", 1.0, 0.727),
            Evidence("dosing", dosing, ChunkKind.Table, "drug-dosing", "", 0.58, 0.657),
            Evidence("heart-failure", monitoring, ChunkKind.Table, "Chronic Heart Failure", "3. Monitoring › 3.1 Blood tests after starting or increasing doses", 0.23, 0.55));

        Assert.Equal(AnswerStatus.Answered, done.Status);
        Assert.Contains("below 30", text, StringComparison.Ordinal);
        Assert.DoesNotContain("heart-failure", citations.Select(c => c.ChunkId));
    }

    [Theory]
    [InlineData("What is the blood pressure target for a 60 year old?", "Age under 80")]
    [InlineData("What is the blood pressure target for a 85 year old?", "Age 80 and over")]
    [InlineData("What is the blood pressure target for someone aged 85?", "Age 80 and over")]
    public async Task A_patients_age_is_answered_by_the_row_whose_age_range_holds_it_not_one_that_writes_its_digits(string question, string row)
    {
        // Both rows write "85" (in 135/85 and 145/85 mmHg); only one row's key is the patient's age group. The other
        // chunks speak of blood pressure, as the guideline's do.
        var targets = "| Group | Clinic target | ABPM/HBPM target |\n| --- | --- | --- |\n" +
            "| Age under 80 | Below 140/90 mmHg | Below 135/85 mmHg |\n| Age 80 and over | Below 150/90 mmHg | Below 145/85 mmHg |";
        var measuring = "Measure blood pressure in both arms. If the difference is more than 15 mmHg, repeat the measurements.";
        var (text, _, done) = await Answer(question,
            Evidence("targets", targets, ChunkKind.Table, "Hypertension in Adults", "Hypertension in Adults › Treatment targets", 1.0, 0.65),
            Evidence("measuring", measuring, ChunkKind.Text, "Hypertension in Adults", "Hypertension in Adults › Measuring blood pressure", 0.6, 0.6),
            Evidence("diagnosis", "If clinic blood pressure is between 140/90 and 180/120 mmHg, offer ambulatory blood pressure monitoring.",
                ChunkKind.Text, "Hypertension in Adults", "Hypertension in Adults › Diagnosis", 0.5, 0.6));

        Assert.Equal(AnswerStatus.Answered, done.Status);
        Assert.StartsWith("Group: " + row + ";", text, StringComparison.Ordinal);
    }
}
