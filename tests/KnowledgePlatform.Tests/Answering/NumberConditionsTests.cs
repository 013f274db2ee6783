using KnowledgePlatform.Rag.Answering.Extractive;
using Xunit;

namespace KnowledgePlatform.Tests.Answering;

public sealed class NumberConditionsTests
{
    private static IReadOnlyList<string> Covered(string question, string passage) => NumberConditions.Covered(passage, NumberConditions.Of(question)).ToList();

    [Theory]
    [InlineData("What is the metformin dose at eGFR 25?", "Review the dose if eGFR is below 45 mL/min/1.73 m²; stop if eGFR is below 30 mL/min/1.73 m².")]
    [InlineData("What is the metformin dose at eGFR 35?", "eGFR 30 to 45: review and usually limit to 1 g daily; stop if eGFR below 30")]
    [InlineData("Can I return a kettle after 20 days?", "You can return most items within 30 days of delivery.")]
    [InlineData("Which vaccine for a woman aged 70?", "Offer the vaccine to people aged 65 and over.")]
    [InlineData("Can a child of 8 years take ibuprofen?", "| Ibuprofen | Children 6 to 12 years | 200 mg every 6 to 8 hours |")]
    [InlineData("Which blood pressure target for a 60 year old?", "| Age under 80 | Below 140/90 mmHg | Below 135/85 mmHg |")]
    [InlineData("My HbA1c is 52 mmol/mol. Do I have diabetes?", "- HbA1c of 48 mmol/mol (6.5%) or higher.")]          // the same value in another unit between
    [InlineData("Is a fasting glucose of 6 mmol/L normal?", "Fasting plasma glucose of 6.9 mmol/L (124 mg/dL) or lower is below the diabetes threshold.")]
    public void A_value_inside_a_threshold_or_range_of_the_same_measure_is_covered(string question, string passage) =>
        Assert.Single(Covered(question, passage));

    [Theory]
    [InlineData("What is the metformin dose at eGFR 30?", "stop if eGFR is below 30")]
    [InlineData("What is the metformin dose at eGFR 25?", "Creatinine rises by up to 50% above baseline, or eGFR falls but stays above 25")]
    [InlineData("What is the metformin dose at eGFR 60?", "Gliclazide: 40 to 80 mg once daily with breakfast")]
    [InlineData("Can I return a kettle after 40 days?", "You can return most items within 30 days of delivery.")]
    [InlineData("What does error E08 mean?", "Errors 1 to 20 are shown for up to 10 seconds.")]
    public void A_value_outside_the_bound_or_a_bound_on_another_measure_is_not_covered(string question, string passage) =>
        Assert.Empty(Covered(question, passage));

    [Theory]
    [InlineData("My HbA1c is 44 mmol/mol. Do I have diabetes?", "a 2-hour plasma glucose of 11.1 mmol/L or higher")]
    [InlineData("My blood sugar is 3.5 mmol/L, what should I eat?", "Aim for an HbA1c below 48 mmol/mol.")]
    [InlineData("Can I return a kettle after 5 weeks?", "You can return most items within 30 days of delivery.")]
    [InlineData("NT-proBNP came back at 2,500 ng/L. How quickly do they need an echo?", "400 to 2,000 ng/L (47 to 236 pmol/L): heart failure possible")]
    public void A_bound_in_another_unit_or_below_a_value_with_thousands_does_not_cover_it(string question, string passage) =>
        Assert.Empty(Covered(question, passage));

    [Theory]
    [InlineData("Can I return a kettle after 3 weeks?", "You can return most items within 30 days of delivery.")]
    [InlineData("NT-proBNP came back at 2,500 ng/L. How quickly do they need an echo?", "Above 2,000 ng/L (236 pmol/L): heart failure likely")]
    [InlineData("My HbA1c is 6.7%. Do I have diabetes?", "- HbA1c of 48 mmol/mol (6.5%) or higher.")]
    [InlineData("What is the metformin dose at an eGFR of 25 mL/min?", "stop if eGFR is below 30 mL/min/1.73 m²")]
    public void A_bound_in_the_values_unit_another_of_its_kind_or_the_one_in_brackets_covers_it(string question, string passage) =>
        Assert.Equal(NumberConditions.Of(question).Single().Terms, Covered(question, passage));

    [Theory]
    [InlineData("Do I need to sign for a $600 order?", "Orders with a total value over $500 require an adult signature on delivery.")]
    [InlineData("Can I load $300 on a gift card?", "Both can be loaded with any amount from $25 to $500.")]
    [InlineData("How much is shipping if my order is $20?", "Standard shipping is free on orders over $35; otherwise it costs $5.99.")]
    [InlineData("My potassium is 4.2 mmol/L, can I start an ACE inhibitor?", "Do not start if potassium is above 5.0 mmol/L; otherwise start at a low dose.")]
    public void A_bound_in_the_values_currency_or_the_values_a_bound_leaves_to_its_otherwise_cover_it(string question, string passage) =>
        Assert.Equal(NumberConditions.Of(question).Single().Terms, Covered(question, passage));

    [Theory]
    [InlineData("How much is shipping if my order is $20?", "Orders with a total value over $500 require an adult signature on delivery.")]
    [InlineData("Can I load $1000 on a gift card?", "Both can be loaded with any amount from $25 to $500.")]
    [InlineData("How much is shipping if my order is $20?", "Returns of orders over 35 days old cost $5.99.")]              // a bound in days, not dollars
    [InlineData("How much is shipping if my order is $20?", "Standard shipping is free on orders over $35. Returns are free otherwise.")] // not the bound's otherwise
    [InlineData("How much is shipping if my order is €20?", "Standard shipping is free on orders over $35; otherwise it costs $5.99.")]
    public void A_bound_in_another_currency_or_an_otherwise_that_is_not_the_bounds_does_not_cover_it(string question, string passage) =>
        Assert.Empty(Covered(question, passage));

    [Theory]
    [InlineData("My HbA1c is 44 mmol/mol.", "mmol/mol")]
    [InlineData("I took it 8 hours ago", "hour")]
    [InlineData("NT-proBNP came back at 2,500 ng/L.", "ng/l")]
    [InlineData("What is the metformin dose at eGFR 25?", null)]
    [InlineData("What are the 3 symptoms of flu?", null)]
    [InlineData("How much is shipping if my order is $20?", "$")]
    [InlineData("Is shipping free on an order of 20 dollars?", "$")]
    public void A_values_unit_is_the_known_unit_written_right_after_it(string question, string? unit) =>
        Assert.Equal(unit, Assert.Single(NumberConditions.Of(question)).Unit?.Name);

    [Fact]
    public void A_decimal_value_is_one_number_held_by_both_its_terms()
    {
        Assert.Equal(["3", "5"], Covered("My blood sugar is 3.5 mmol/L, what should I eat?", "If it is below 4.0 mmol/L, treat it straight away."));
        Assert.Empty(Covered("My blood sugar is 3.5 mmol/L, what should I eat?", "Once your blood sugar is above 4.0 mmol/L, eat a starchy snack."));
    }

    [Theory]
    [InlineData("Where is the Vision 55 serial number?")]
    [InlineData("Does Windows 11 support the Aura?")]
    [InlineData("My Sweep S2 shows E08, what does that mean?")]
    public void A_number_in_a_name_or_a_code_is_not_a_value(string question) =>
        Assert.Empty(NumberConditions.Of(question));

    [Fact]
    public void A_measure_written_in_capitals_makes_a_value() =>
        Assert.Equal([25.0, 30.0], NumberConditions.Of("Metformin at eGFR 25 and BMI 30?").Select(v => v.Number));

    [Fact]
    public void A_reading_written_as_a_pair_is_one_value_compared_by_its_first_number_under_its_measures_initials()
    {
        const string question = "Clinic blood pressure is 150/95. What stage of hypertension is that?";
        var value = Assert.Single(NumberConditions.Of(question));
        Assert.Equal(150, value.Number);
        Assert.Equal(["150", "95"], value.Terms);
        Assert.Equal(["150", "95"], Covered(question, "Stage: Stage 1; Clinic BP: 140/90 to 159/99 mmHg"));
        Assert.Empty(Covered(question, "Stage: Stage 2; Clinic BP: 160/100 mmHg or higher"));
    }

    [Fact]
    public void A_value_written_only_about_another_measure_is_told_apart_from_one_written_about_its_own()
    {
        var values = NumberConditions.Of("Clinic blood pressure is 150/95. What stage of hypertension is that?");
        Assert.Equal(["150", "95"], NumberConditions.WrittenAboutAnother(
            "Stage: Stage 2; Clinic BP: 160/100 mmHg or higher; ABPM daytime / HBPM average: 150/95 mmHg or higher.", values));
        Assert.Empty(NumberConditions.WrittenAboutAnother("Refer if clinic blood pressure is 150/95 mmHg or more on two visits.", values));
        Assert.Empty(NumberConditions.WrittenAboutAnother("Stage 1 is a clinic BP of 140/90 or more.", values));
    }

    [Fact]
    public void An_age_written_with_hyphens_is_the_askers_value()
    {
        const string question = "What is the clinic blood pressure target for an 83-year-old with hypertension?";
        var value = Assert.Single(NumberConditions.Of(question));
        Assert.True(value.Given);
        Assert.True(value.IsAge);
        Assert.Equal(83, value.Number);
        Assert.Equal(["83"], Covered(question, "| Age 80 and over | Below 150/90 mmHg |"));
    }

    [Theory]
    [InlineData("I'm 68 and think I have cystitis. Can I get antibiotics from the pharmacist?", true)]
    [InlineData("I am 68, can I have the shingles vaccine?", true)]
    [InlineData("I'm 68 kg, what paracetamol dose?", false)]
    public void I_am_and_a_number_with_no_unit_is_the_askers_age(string question, bool age)
    {
        var value = Assert.Single(NumberConditions.Of(question));
        Assert.Equal(age, value.IsAge);
    }

    [Fact]
    public void A_range_of_ages_speaks_to_an_age_it_leaves_out()
    {
        var values = NumberConditions.Of("I'm 68 and think I have cystitis. Can I get antibiotics from the pharmacist?");
        Assert.Equal(["68"], NumberConditions.AgesSpokenTo("Some areas offer treatment from a pharmacist for women aged 16 to 64.", values));
        Assert.Empty(NumberConditions.Covered("Some areas offer treatment from a pharmacist for women aged 16 to 64.", values));
        Assert.Empty(NumberConditions.AgesSpokenTo("A pharmacist may offer a 3-day course of antibiotics.", values));
    }

    [Fact]
    public void A_date_is_not_read_as_a_range() =>
        Assert.Empty(Covered("What changed for eGFR 25?", "Updated 2024-06-01 for eGFR: see the table."));

    [Theory]
    [InlineData("What is the lisinopril dose at eGFR 25?", "What is the lisinopril dose?")]
    [InlineData("What should I do if my blood sugar is 3.5 mmol/L?", "What should I do if my blood sugar?")]
    [InlineData("Can a woman aged 70 have the shingles vaccine?", "Can a woman have the shingles vaccine?")]
    [InlineData("What paracetamol dose for an adult weighing 45 kg?", "What paracetamol dose for an adult?")]
    [InlineData("Is a potassium of 5.8 mmol/L a reason to stop spironolactone?", "Is a potassium a reason to stop spironolactone?")]
    public void A_question_without_its_values_keeps_what_it_asks_about(string question, string without) =>
        Assert.Equal(without, NumberConditions.WithoutValues(question));

    [Theory]
    [InlineData("Where is the Vision 55 serial number?")]
    [InlineData("My Sweep S2 shows E08, what does that mean?")]
    [InlineData("How do I reset the router?")]
    [InlineData("How many cases were there in 2020-2021 among people aged 18-65 years?")]
    [InlineData("Is a dose of 3.5-4 mg/kg safe?")]
    [InlineData("What are the 3 symptoms of covid-19?")]
    [InlineData("What illness is caused by the 2019-nCOV coronavirus?")]
    [InlineData("What was the death toll in the 1918 influenza pandemic?")]
    [InlineData("what is covid 2019")]
    [InlineData("Is the Vision 55 available in 65 inch?")]
    [InlineData("What does a chest x-ray show in adenovirus type 55?")]
    [InlineData("What is the first-line drug for type 2 diabetes?")]
    [InlineData("Is shipping free on a $30 order?")]
    [InlineData("Can I return an item after 45 days?")]
    public void A_question_whose_numbers_say_what_it_is_about_is_searched_as_it_is(string question) =>
        Assert.Equal(question, NumberConditions.WithoutValues(question));

    [Fact]
    public void Any_question_can_be_read_for_its_values_and_asked_without_them()
    {
        // Numbers written onto one another ("3.5-4", "$30/40", "2020-2021") once made the cut spans overlap.
        string[] pieces = ["3.5", "-", "4", "$30", "/", "40", "mg", "kg", "eGFR", "aged", "year", "old", "after", "days", "at", "the", "dose", "?", ".", " ", "E08", "Vision", "55", "2020-2021", "%", "(", ")"];
        var random = new Random(7);
        for (var n = 0; n < 5000; n++)
        {
            var question = string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => pieces[random.Next(pieces.Length)] + (random.Next(3) == 0 ? "" : " ")));
            var without = NumberConditions.WithoutValues(question);
            Assert.True(without.Length <= question.Length, question);
            _ = NumberConditions.Covered(question, NumberConditions.Of(question)).Count();
        }
    }
}
