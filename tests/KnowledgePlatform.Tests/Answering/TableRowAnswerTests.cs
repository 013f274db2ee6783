using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Rag.Answering;
using KnowledgePlatform.Rag.Answering.Extractive;
using Xunit;
using static KnowledgePlatform.Tests.Answering.ExtractiveAnswererTests;

namespace KnowledgePlatform.Tests.Answering;

/// <summary>Questions answered from a table: the row keyed by what the question names, and no row when the table does not hold it.</summary>
public sealed class TableRowAnswerTests
{
    [Fact]
    public async Task A_question_naming_one_drug_is_answered_with_that_drugs_row_not_a_neighbouring_one()
    {
        var table = "| Drug | Indication | Usual adult dose |\n| --- | --- | --- |\n" +
            "| Gliclazide | Type 2 diabetes | 40-80 mg daily, up to 320 mg in divided doses |\n" +
            "| Metformin | Type 2 diabetes | 500 mg daily, increased to 2 g daily in divided doses |\n" +
            "| Ramipril | Hypertension | 2.5-10 mg once daily |";
        var (text, citations, done) = await Answer("What is the recommended dose of metformin in type 2 diabetes?", Evidence("t", table, ChunkKind.Table, "drug-dosing.csv"));

        Assert.Equal(AnswerStatus.Answered, done.Status);
        Assert.StartsWith("Drug: Metformin;", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Gliclazide", text, StringComparison.Ordinal);
        Assert.Contains("| Metformin |", Assert.Single(citations).Quote, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_table_row_keyed_by_what_the_question_names_wins_over_a_higher_ranked_sentence_about_the_same_topic()
    {
        var (text, _, _) = await Answer("How much does Next Day shipping cost?",
            Ranked(Evidence("alaska", "Standard shipping to Alaska takes 7 to 10 business days and costs an additional $15 per order."), 0.9, 0.63),
            Ranked(Evidence("table", ShippingTable, ChunkKind.Table, "shipping.html"), 0.6, 0.56));

        Assert.StartsWith("Method: Next Day;", text, StringComparison.Ordinal);
        Assert.Contains("$24.99", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_question_that_names_a_product_is_answered_with_the_row_keyed_by_that_product_even_in_a_longer_key()
    {
        var table = "| Product | Main unit | Exceptions |\n| --- | --- | --- |\n| Northwind Aura smart speaker | 2 years | Power adapter: 2 years |\n" +
            "| Northwind Sweep S2 robot vacuum | 2 years | Battery pack: 12 months |";
        var (text, _, _) = await Answer("What is the warranty on the Sweep S2?",
            Evidence("exclusions", "The warranty does not cover:\n- consumable parts: Sweep S2 brushes, filters and mop pads\n- accidental damage",
                ChunkKind.Text, "Limited Warranty Policy", "What the warranty does not cover", 0.9, 0.66),
            Evidence("periods", table, ChunkKind.Table, "Limited Warranty Policy", "Warranty periods at a glance", 0.7, 0.65));

        Assert.StartsWith("Product: Northwind Sweep S2 robot vacuum; Main unit: 2 years;", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_row_whose_key_is_written_as_a_name_counts_as_named_by_a_question_that_writes_it_in_lower_case()
    {
        var (text, _, _) = await Answer("What does next-day delivery cost?",
            Ranked(Evidence("signature", "Orders over $500 need a signature on delivery. If nobody is home, the carrier tries again the next day."), 0.9, 0.58),
            Ranked(Evidence("table", ShippingTable, ChunkKind.Table, "shipping.html"), 0.6, 0.53));

        Assert.StartsWith("Method: Next Day;", text, StringComparison.Ordinal);
    }

    private const string PainTable = "| Drug | Indication | Adult dose | Max daily dose |\n| --- | --- | --- | --- |\n" +
        "| Paracetamol (acetaminophen) | Mild to moderate pain; fever | 500 mg to 1 g every 4 to 6 hours | 4 g in 24 hours |\n" +
        "| Naproxen | Musculoskeletal pain | 250 to 500 mg twice daily | 1,000 mg |";

    [Theory]
    [InlineData("Maximum daily dose of tramadol for an adult?")]
    [InlineData("What is the dose of oseltamivir for an adult with flu?")]
    public async Task A_question_about_a_drug_the_table_does_not_hold_is_not_answered_with_another_drugs_row(string question)
    {
        var (text, citations, done) = await Answer(question, Ranked(Evidence("table", PainTable, ChunkKind.Table, "drug-dosing.csv"), 0.9, 0.75));

        Assert.Equal(AnswerStatus.InsufficientEvidence, done.Status);
        Assert.Equal(ExtractiveAnswerer.NotFound, text);
        Assert.Empty(citations);
    }

    [Theory]
    [InlineData("Maximum daily dose of paracetamol for an adult?", "Paracetamol")]
    [InlineData("Maximum daily dose for musculoskeletal pain?", "Naproxen")]      // the row's own words, no drug named
    public async Task A_drug_the_table_holds_is_answered_from_its_row(string question, string drug)
    {
        var (text, _, done) = await Answer(question, Ranked(Evidence("table", PainTable, ChunkKind.Table, "drug-dosing.csv"), 0.9, 0.75));

        Assert.Equal(AnswerStatus.Answered, done.Status);
        Assert.StartsWith($"Drug: {drug}", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_row_named_only_by_a_word_of_the_documents_title_does_not_beat_the_row_the_question_names()
    {
        // "gout" is in the title and in the first row's key; "tophi" singles out the second row.
        var table = "| Patient group | Serum urate target |\n| --- | --- |\n| Most people with gout | Below 360 micromol/L (6 mg/dL) |\n" +
            "| Tophi, chronic gouty arthritis, or continued frequent flares despite reaching 360 | Below 300 micromol/L (5 mg/dL) |";
        var (text, _, _) = await Answer("Gout patient with tophi has a serum urate of 340 micromol/L. Are they at target?",
            Evidence("targets", table, ChunkKind.Table, "Gout: Managing Flares and Long-Term Urate Lowering", "Gout › Urate targets", 0.9, 0.7));

        Assert.StartsWith("Patient group: Tophi", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_name_that_most_rows_of_a_table_share_does_not_make_one_row_the_answer()
    {
        // "Northwind" is in almost every key: the question about the whole warranty is not about the Sweep S2 row.
        var table = "| Product | Main unit | Exceptions |\n| --- | --- | --- |\n| Northwind Aura smart speaker | 2 years | Power adapter: 2 years |\n" +
            "| Northwind Sweep S2 robot vacuum | 2 years | Battery pack: 12 months |\n| Northwind Thermo smart thermostat | 2 years | Installation is not covered |\n" +
            "| Certified refurbished products | 12 months | — |";
        var (text, _, _) = await Answer("What does the Northwind warranty cover?",
            Evidence("covers", "The warranty covers defects in materials and workmanship under normal household use.",
                ChunkKind.Text, "Northwind Home Limited Warranty Policy", "What the warranty covers", 0.9, 0.70),
            Evidence("periods", table, ChunkKind.Table, "Northwind Home Limited Warranty Policy", "Warranty periods at a glance", 0.8, 0.69));

        Assert.StartsWith("The warranty covers defects in materials and workmanship", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_drugs_dose_is_answered_from_its_row_in_the_dose_table_not_from_a_test_dose_ranked_above_it()
    {
        // The demo knowledge base's evidence for "What is the dose of amoxicillin?", in retrieval's order: the allergy
        // pathway's challenge step ranks first, the drug table fourth; the table's row is the drug's dose.
        var challenge = "- Record baseline observations: pulse, blood pressure, respiratory rate and oxygen saturation, and examine the skin.\n" +
            "- Give a single oral dose of amoxicillin 500 mg.\n- Observe for 60 minutes, repeating observations at 30 and 60 minutes.\n- If there is no reaction, the challenge is negative.";
        var history = "Ask and document the following for every patient with a reported penicillin allergy:\n- Which drug was taken, and for what infection?\n" +
            "- How soon after the dose did symptoms start? Immediate reactions occur within 1 hour of a dose; delayed reactions occur hours to days later.";
        var pneumonia = "- First choice: amoxicillin 500 mg three times daily orally for 5 days.\n" +
            "- Penicillin allergy or amoxicillin unsuitable: doxycycline 200 mg on day 1, then 100 mg once daily (5 days in total), or clarithromycin 500 mg twice daily for 5 days.";
        var dosing = "| drug | indication | adult dose | max daily dose | renal adjustment |\n| --- | --- | --- | --- | --- |\n" +
            "| Codeine phosphate | Mild to moderate pain | 30 to 60 mg every 4 hours when required | 240 mg | Reduce dose or avoid in severe impairment |\n" +
            "| Amoxicillin | Community-acquired pneumonia; respiratory and urinary infections | 500 mg three times daily (up to 1 g three times daily in severe infection) | 3 g orally for most indications | CrCl 10 to 30 mL/min: 250 to 500 mg every 12 hours |";
        var (text, citations, done) = await Answer("What is the dose of amoxicillin?",
            Evidence("challenge", challenge, ChunkKind.Text, "Penicillin Allergy Assessment and De-labelling", "Direct oral amoxicillin challenge (low-risk patients) › Procedure", 0.987, 0.772),
            Evidence("history", history, ChunkKind.Text, "Penicillin Allergy Assessment and De-labelling", "Taking an allergy history", 0.679, 0.695),
            Evidence("pneumonia", pneumonia, ChunkKind.Text, "Community-Acquired Pneumonia in Adults", "Antibiotic treatment › Low severity (CURB-65 0–1)", 0.631, 0.755),
            Evidence("dosing", dosing, ChunkKind.Table, "drug-dosing", "", 0.523, 0.694));

        Assert.Equal(AnswerStatus.Answered, done.Status);
        Assert.StartsWith("drug: Amoxicillin;", text, StringComparison.Ordinal);
        Assert.Equal("dosing", citations[0].ChunkId);
    }
}
