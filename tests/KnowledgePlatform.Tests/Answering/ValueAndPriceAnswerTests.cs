using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Rag.Answering;
using KnowledgePlatform.Rag.Answering.Extractive;
using Xunit;
using static KnowledgePlatform.Tests.Answering.ExtractiveAnswererTests;

namespace KnowledgePlatform.Tests.Answering;

/// <summary>Questions whose answer is a kind of value: the row a reading falls in, and what something costs.</summary>
public sealed class ValueAndPriceAnswerTests
{
    private const string Stages = "| Stage | Clinic BP | ABPM daytime / HBPM average |\n| --- | --- | --- |\n" +
        "| Stage 1 | 140/90 to 159/99 mmHg | 135/85 to 149/94 mmHg |\n" +
        "| Stage 2 | 160/100 mmHg or higher | 150/95 mmHg or higher |\n" +
        "| Stage 3 (severe) | Systolic 180 mmHg or higher, or diastolic 120 mmHg or higher | Not used |";

    private const string Monitoring = "If clinic blood pressure is between 140/90 and 180/120 mmHg, offer ambulatory blood pressure monitoring (ABPM). " +
        "Home blood pressure monitoring (HBPM) is an acceptable alternative if ABPM is unsuitable or not tolerated.";

    [Fact]
    public async Task A_clinic_reading_gets_the_row_whose_clinic_range_holds_it_not_the_row_that_writes_it_for_home_readings()
    {
        // The demo knowledge base's evidence, in retrieval's order (fused score, dense similarity).
        var (text, _, done) = await Answer("Clinic blood pressure is 150/95. What stage of hypertension is that?",
            Evidence("stages", Stages, ChunkKind.Table, "Hypertension in Adults", "Diagnosis › Stages", 0.972, 0.757),
            Evidence("monitoring", Monitoring, ChunkKind.Text, "Hypertension in Adults", "Diagnosis", 0.795, 0.760),
            Evidence("arms", "- Measure blood pressure in both arms. If the difference is more than 15 mmHg, repeat; if it remains, use the arm with the higher reading.",
                ChunkKind.Text, "Hypertension in Adults", "Diagnosis › Measuring", 0.708, 0.752),
            Evidence("treatment", "- Offer drug treatment to people with stage 2 hypertension at any age.", ChunkKind.Text, "Hypertension in Adults", "Treatment", 0.51, 0.745));

        Assert.Equal(AnswerStatus.Answered, done.Status);
        Assert.True(text.StartsWith("Stage: Stage 1; Clinic BP: 140/90 to 159/99 mmHg;", StringComparison.Ordinal), text);
    }

    private const string Diagnosis = "Type 2 diabetes can be diagnosed with any one of the following. Without symptoms, a second abnormal test is needed to confirm the diagnosis.\n" +
        "- HbA1c of 48 mmol/mol (6.5%) or higher.\n- Fasting plasma glucose of 7.0 mmol/L (126 mg/dL) or higher.\n" +
        "An HbA1c of 42–47 mmol/mol (6.0–6.4%) indicates non-diabetic hyperglycaemia (\"prediabetes\"). Offer an intensive lifestyle programme and retest annually.";

    [Theory]
    [InlineData("My HbA1c is 44 mmol/mol. Do I have diabetes?", "An HbA1c of 42–47 mmol/mol (6.0–6.4%) indicates non-diabetic hyperglycaemia")]
    [InlineData("My HbA1c is 52 mmol/mol. Do I have diabetes?", "Without symptoms, a second abnormal test is needed to confirm the diagnosis.\n- HbA1c of 48 mmol/mol (6.5%) or higher.")]
    public async Task An_askers_reading_gets_the_sentence_whose_range_holds_it_over_a_higher_ranked_answer_about_the_measure(string question, string answer)
    {
        // The demo knowledge base's evidence, in retrieval's order (fused score, dense similarity): the FAQ about HbA1c
        // targets ranks first, the diagnostic thresholds third.
        var (text, _, done) = await Answer(question,
            Evidence("faq", "Q: What is a normal HbA1c for someone with diabetes?\nA: HbA1c shows your average blood sugar over the past 2 to 3 months. " +
                "A common target is 48 mmol/mol (6.5%) if you manage diabetes with diet or metformin, or 53 mmol/mol (7.0%) if you take medicines that can cause low blood sugar.",
                ChunkKind.QuestionAnswer, "faq", "", 1, 0.822),
            Evidence("intensify", "Intensify treatment if HbA1c rises to 58 mmol/mol (7.5%) or higher on one or more drugs.", ChunkKind.Text,
                "Type 2 Diabetes in Adults", "Individualised HbA1c targets", 0.727, 0.745),
            Evidence("diagnosis", Diagnosis, ChunkKind.Text, "Type 2 Diabetes in Adults", "Diagnosis › Diagnostic thresholds", 0.712, 0.722));

        Assert.Equal(AnswerStatus.Answered, done.Status);
        Assert.True(text.Replace(" [1]", "", StringComparison.Ordinal).StartsWith(answer, StringComparison.Ordinal), text);
    }

    [Fact]
    public async Task A_step_whose_range_holds_the_askers_reading_does_not_answer_what_the_step_does_not_say()
    {
        // "If it is below 4.0 mmol/L … treat it straight away" holds a reading of 3.5, but not what to eat. The demo knowledge
        // base's evidence, in retrieval's order.
        var steps = "- Check your blood sugar if you can. If it is below 4.0 mmol/L, or you have symptoms and cannot check, treat it straight away.\n" +
            "- Eat or drink 15 to 20 g of fast-acting sugar, for example:\n- 4 or 5 glucose tablets (check the packet, as sizes vary)\n" +
            "- 150 to 200 mL of pure fruit juice\n- a small can (150 mL) of a full-sugar (not diet) fizzy drink\n- 5 jelly sweets\n" +
            "- Wait 10 to 15 minutes and check your blood sugar again.\n- If it is still below 4.0 mmol/L, repeat step 2. You can repeat this up to 3 times.\n" +
            "- Once your blood sugar is above 4.0 mmol/L, eat a starchy snack such as a slice of toast, a sandwich or 2 biscuits, or have your next meal if it is due.";
        var (text, _, done) = await Answer("My blood sugar is 3.5 mmol/L, what should I eat?",
            Evidence("steps", steps, ChunkKind.Text, "Low blood sugar (hypoglycaemia): patient leaflet", "Low blood sugar › How to treat a hypo: the 15/15 rule", 1, 0.748),
            Evidence("hypo", "A hypo is when your blood sugar (glucose) level falls below 4.0 mmol/L. A useful saying is \"four is the floor\". " +
                "Hypos can happen if you miss or delay a meal, eat less carbohydrate than usual, are more active than usual, drink alcohol, or take too much diabetes medicine.",
                ChunkKind.Text, "Low blood sugar (hypoglycaemia): patient leaflet", "Low blood sugar › What is a hypo?", 0.603, 0.685));

        Assert.Equal(AnswerStatus.Answered, done.Status);
        Assert.Contains("Eat or drink 15 to 20 g of fast-acting sugar", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_home_reading_gets_the_row_whose_home_range_holds_it()
    {
        var (text, _, done) = await Answer("My home blood pressure average is 152/96 (HBPM). What stage is that?",
            Evidence("stages", Stages, ChunkKind.Table, "Hypertension in Adults", "Diagnosis › Stages", 0.972, 0.70));

        Assert.Equal(AnswerStatus.Answered, done.Status);
        Assert.StartsWith("Stage: Stage 2;", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_age_written_with_hyphens_gets_the_row_of_its_age_group_not_a_passage_about_a_ten_year_risk()
    {
        var targets = "| Group | Clinic target | ABPM/HBPM target |\n| --- | --- | --- |\n" +
            "| Age under 80 | Below 140/90 mmHg | Below 135/85 mmHg |\n| Age 80 and over | Below 150/90 mmHg | Below 145/85 mmHg |";
        var whoToTreat = "Who to treat:\n- Offer drug treatment to people with stage 2 hypertension at any age.\n" +
            "- Discuss starting drug treatment for people under 80 with stage 1 hypertension who have target organ damage, diabetes, or a 10-year cardiovascular risk of 10% or more.";
        // The demo knowledge base's evidence, in retrieval's order (fused score, dense similarity).
        var (text, _, done) = await Answer("What is the clinic blood pressure target for an 83-year-old with hypertension?",
            Evidence("monitoring", Monitoring, ChunkKind.Text, "Hypertension in Adults", "Diagnosis › Confirming the diagnosis out of clinic", 0.971, 0.714),
            Evidence("arms", "- Measure blood pressure in both arms. If the difference is more than 15 mmHg, repeat.", ChunkKind.Text, "Hypertension in Adults",
                "Diagnosis › Measuring blood pressure in clinic", 0.817, 0.676),
            Evidence("postural", "In people with a standing systolic blood pressure below the target because of postural hypotension, treat to the standing target.",
                ChunkKind.Text, "Hypertension in Adults", "Treatment targets", 0.682, 0.669),
            Evidence("treat", whoToTreat, ChunkKind.Text, "Hypertension in Adults", "Drug treatment › Who to treat", 0.65, 0.69),
            Evidence("targets", targets, ChunkKind.Table, "Hypertension in Adults", "Treatment targets", 0.646, 0.691));

        Assert.Equal(AnswerStatus.Answered, done.Status);
        Assert.True(text.StartsWith("Group: Age 80 and over;", StringComparison.Ordinal), text);
    }

    [Fact]
    public async Task An_askers_age_outside_a_schemes_age_range_is_answered_with_the_range()
    {
        // The demo knowledge base's evidence, in retrieval's order (fused score, dense similarity).
        const string antibiotics = "If your symptoms are troublesome or not getting better, a pharmacist or doctor may offer a 3-day course of antibiotics. " +
            "You should start to feel better within 48 hours of starting treatment. " +
            "Some areas offer treatment directly from a community pharmacist for women aged 16 to 64 with uncomplicated cystitis.\n" +
            "You may be given a \"back-up\" prescription to use only if your symptoms get worse or have not improved after 48 hours.";
        const string leaflet = "Cystitis (bladder infection) in women: patient leaflet";
        var (text, _, done) = await Answer("I'm 68 and think I have cystitis. Can I get antibiotics straight from the pharmacist?",
            Evidence("antibiotics", antibiotics, ChunkKind.Text, leaflet, "Cystitis (bladder infection) in women › Antibiotics", 1.0, 0.77),
            Evidence("course", "Q: Should I finish the whole course of antibiotics?\nA: Take antibiotics exactly as prescribed for the number of days on the label. " +
                "Many common infections now need only short courses, such as 3 days for a bladder infection in women.", ChunkKind.QuestionAnswer, "faq", "", 0.393, 0.712),
            Evidence("about", "This leaflet is sample educational content. It is not medical advice; contact a pharmacist or doctor about your own symptoms.\n" +
                "Cystitis is inflammation of the bladder, usually caused by a bacterial infection. Mild cystitis often gets better on its own within 3 days.",
                ChunkKind.Text, leaflet, "Cystitis (bladder infection) in women", 0.232, 0.625),
            Evidence("doctor", "- women who are pregnant\n- men and children with urinary symptoms\n- anyone whose symptoms have not improved after 3 days of antibiotics",
                ChunkKind.Text, leaflet, "Cystitis (bladder infection) in women › Who should always see a doctor", 0.208, 0.662),
            Evidence("cold", "Q: Do antibiotics help a cold or flu?\nA: No. Colds and flu are caused by viruses and antibiotics only work against bacteria.",
                ChunkKind.QuestionAnswer, "faq", "", 0.195, 0.662));

        Assert.Equal(AnswerStatus.Answered, done.Status);
        Assert.Contains("women aged 16 to 64", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task How_strong_is_answered_by_the_step_that_gives_a_percentage_not_the_one_that_repeats_the_questions_words()
    {
        var steps = "1. Check the antenna cable is screwed firmly into the RF In connector.\n" +
            "2. Run a new channel scan: Settings > Channels > Channel scan > Antenna. A full scan takes about 10 minutes.\n" +
            "3. Open Settings > Support > Signal check and select a channel. A signal strength of 60% or more is needed for reliable reception.\n" +
            "4. ATSC 3.0 channels need a stronger signal than ATSC 1.0 channels. If an ATSC 3.0 channel breaks up, tune to the ATSC 1.0 version of the same station.";
        var (text, _, done) = await Answer("antenna channels keep breaking up on my tv, how strong does the signal need to be?",
            Evidence("antenna", steps, ChunkKind.Text, "Vision 55: Fixing No Signal", "Fixing No Signal › 5. Antenna: Weak or No Signal", 1.0, 0.7));

        Assert.Equal(AnswerStatus.Answered, done.Status);
        Assert.Contains("60% or more", text, StringComparison.Ordinal);
    }

    private const string Delivery = "Delivery of Vision 55 TVs:\n" +
        "- Our freight partner calls or texts you within 2 business days of dispatch to book a delivery appointment.\n" +
        "- Curbside delivery leaves the TV at the curb. In-home delivery brings the TV to the room of your choice.\n" +
        "- If you miss the appointment, redelivery costs $39.";

    [Fact]
    public async Task What_something_costs_is_not_answered_with_a_passage_whose_only_price_is_of_another_thing()
    {
        var (text, _, done) = await Answer("How much does the Vision 55 TV cost?",
            Evidence("delivery", Delivery, ChunkKind.Text, "Shipping and Delivery", "Shipping and Delivery › Large items", 0.9, 0.70));

        Assert.Equal(AnswerStatus.InsufficientEvidence, done.Status);
        Assert.Equal(ExtractiveAnswerer.NotFound, text);
    }

    [Theory]
    [InlineData("how much is the sweep s2 robot vacuum?")]
    [InlineData("How much is the Vision 55?")]
    public async Task How_much_is_a_product_asks_its_price_and_a_percentage_of_its_battery_does_not_answer(string question)
    {
        const string battery = "If the battery falls below 20% during a large job, the robot returns to the dock, recharges to 80%, and then resumes cleaning.";
        var (text, _, done) = await Answer(question,
            Evidence("battery", battery, ChunkKind.Text, "Sweep S2 and Vision 55 User Manual", "Cleaning › Recharge and resume", 0.9, 0.70));

        Assert.Equal(AnswerStatus.InsufficientEvidence, done.Status);
        Assert.Equal(ExtractiveAnswerer.NotFound, text);
    }

    [Fact]
    public async Task The_price_of_an_accessory_is_not_the_price_of_the_product_its_entry_names()
    {
        var (text, _, done) = await Answer("how much is the sweep s2 robot vacuum?",
            Evidence("base", "Q: Does the Sweep S2 need the Auto-Empty Base?\nA: No. The Sweep S2 is sold with a standard charging dock. " +
                "The Auto-Empty Base is an optional accessory ($149) that empties the robot's dustbin into a sealed bag.", ChunkKind.QuestionAnswer, "faq-products", "", 0.9, 0.70));

        Assert.Equal(AnswerStatus.InsufficientEvidence, done.Status);
        Assert.Equal(ExtractiveAnswerer.NotFound, text);
    }

    [Fact]
    public async Task A_price_in_a_document_about_the_product_named_is_its_price()
    {
        var (text, _, done) = await Answer("price of a new battery for the sweep s2?",
            Evidence("care", "Battery care:\n- Leave the robot on the dock when it is not in use.\n" +
                "- A replacement battery pack (NW-SW2-BAT, $59.99) can be fitted at home with a Phillips screwdriver.", ChunkKind.Text,
                "Northwind Sweep S2: Care and Maintenance Schedule", "Northwind Sweep S2: Care and Maintenance Schedule › Battery care", 0.9, 0.70));

        Assert.Equal(AnswerStatus.Answered, done.Status);
        Assert.Contains("$59.99", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("How much is the maximum dose of paracetamol?", "4 g")]
    [InlineData("How much water does the Sweep S2 tank hold?", "250 mL")]
    public async Task How_much_of_something_still_asks_an_amount(string question, string expected)
    {
        var (text, _, done) = await Answer(question,
            Evidence("dose", "The maximum dose of paracetamol for adults is 4 g in 24 hours.", ChunkKind.Text, "Drug doses", "Paracetamol", 0.9, 0.70),
            Evidence("tank", "The Sweep S2 mop module has a 250 mL water tank.", ChunkKind.Text, "Sweep S2 User Manual", "Mopping", 0.8, 0.69));

        Assert.Equal(AnswerStatus.Answered, done.Status);
        Assert.Contains(expected, text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("How much does redelivery cost if I miss the appointment?", "redelivery costs $39")]
    [InlineData("How much is the restocking fee?", "We do not charge restocking fees.")]
    public async Task A_price_of_the_thing_asked_about_is_the_answer_even_when_it_is_free(string question, string expected)
    {
        const string restocking = "We do not charge restocking fees. If accessories are missing, we deduct their current list price from your refund.";
        var (text, _, done) = await Answer(question,
            Evidence("delivery", Delivery, ChunkKind.Text, "Shipping and Delivery", "Shipping and Delivery › Large items", 0.9, 0.70),
            Evidence("returns", restocking, ChunkKind.Text, "Returns and Refunds", "Returns and Refunds › Fees", 0.8, 0.68));

        Assert.Equal(AnswerStatus.Answered, done.Status);
        Assert.Contains(expected, text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("How much is shipping if my order is $20?", "Standard shipping takes 3 to 5 business days and is free on orders over $35; otherwise it costs $5.99.")]
    [InlineData("Do I need to sign for a $600 order?", "Orders with a total value over $500 require an adult signature on delivery.")]
    public async Task An_amount_of_money_gets_the_sentence_whose_bound_or_its_otherwise_holds_it(string question, string answer)
    {
        // The demo knowledge base's evidence for the first question, in retrieval's order (fused score, dense similarity):
        // the signature sentence is the closest by meaning, and its bound leaves an order of $20 out.
        var (text, _, done) = await Answer(question,
            Evidence("accessories", "Q: How long do accessory orders take to arrive?\nA: Accessories ship separately from large products.\n" +
                "Standard shipping takes 3 to 5 business days and is free on orders over $35; otherwise it costs $5.99.",
                ChunkKind.QuestionAnswer, "Northwind Home Accessories FAQ", "Ordering", 0.869, 0.583),
            Evidence("signature", "Orders with a total value over $500 require an adult signature on delivery. If nobody is home, the carrier " +
                "leaves a notice and tries again the next business day, up to 3 attempts, before returning the package to us.",
                ChunkKind.Text, "Shipping and Delivery", "Shipping and Delivery Policy › Signature required", 0.758, 0.604),
            Evidence("packages", "Q: Why did my order arrive in more than one package?\nA: Items from different warehouses ship separately, each with " +
                "its own tracking number. You are only charged shipping once per order.", ChunkKind.QuestionAnswer, "order-tracking-faq", "Tracking", 0.705, 0.568));

        Assert.Equal(AnswerStatus.Answered, done.Status);
        Assert.Contains(answer, text.Replace(" [1]", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_price_asked_of_a_kind_named_in_capitals_is_given_by_the_row_of_the_thing_the_evidence_calls_one()
    {
        // "TV" is no word of the row; the evidence calls the Vision 55 a TV ("Delivery of Vision 55 TVs").
        var (text, _, done) = await Answer("How much does in-home TV setup cost?",
            Evidence("plus", "Q: What is Northwind Plus and how much does it cost?\nA: Northwind Plus is an optional subscription that costs $3.99 per month or $39.99 per year per home.",
                ChunkKind.QuestionAnswer, "Northwind Home App and Account: Frequently Asked Questions", "Northwind Plus subscription", 0.655, 0.540),
            Evidence("tv-delivery", "- Curbside delivery leaves the TV at the curb or the end of your driveway. In-home delivery brings the TV to the room of your choice, unboxes it, connects it to power and an antenna or cable, and takes away the packaging.\n" +
                "- If you miss the appointment, redelivery costs $39.", ChunkKind.Text, "Shipping and Delivery", "Shipping and Delivery Policy › Delivery of Vision 55 TVs", 0.528, 0.577),
            Evidence("methods", "| Method | Delivery time after dispatch | Cost |\n| --- | --- | --- |\n| Standard | 3 to 5 business days | Free on orders over $35; otherwise $5.99 |\n" +
                "| Next Day | 1 business day (order by 1:00 p.m. ET) | $24.99 |\n| Vision 55 curbside freight | 5 to 8 business days | Free |\n" +
                "| Vision 55 in-home delivery and setup | 5 to 8 business days | $79 (add $99 for wall mounting on an existing bracket-compatible wall) |",
                ChunkKind.Table, "Shipping and Delivery", "Shipping and Delivery Policy › Shipping options and costs (contiguous US)", 0.515, 0.564));

        Assert.Equal(AnswerStatus.Answered, done.Status);
        Assert.StartsWith("Method: Vision 55 in-home delivery and setup;", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_word_the_evidence_writes_in_the_plural_after_a_name_is_a_kind_of_that_name_and_a_name_is_not()
    {
        var kinds = NamedKinds.Of(["tv", "aura"], ["Delivery of Vision 55 TVs", "Northwind Vision 55 TV", "Set up the Northwind Aura speaker."]);

        Assert.Equal(["tv"], kinds.Keys);
        Assert.Equal(["vision 55", "northwind vision 55"], kinds["tv"].Select(n => string.Join(' ', n)));
        Assert.Equal(["tv"], NamedKinds.HeldBy(new HashSet<string> { "vision", "55", "home", "setup" }, kinds));
    }

    [Fact]
    public async Task A_capacity_is_answered_by_a_charge_or_a_volume_not_by_a_share_of_it()
    {
        var (text, _, done) = await Answer("What is the battery capacity of the Sweep S2?",
            Evidence("specs", "| Specification | Value |\n| --- | --- |\n| Model number | NW-SW2 |\n| Battery | 14.4 V lithium-ion, 5,200 mAh |\n| Dustbin capacity | 400 mL |",
                ChunkKind.Table, "Northwind Sweep S2 Robot Vacuum and Mop: User Manual", "Specifications", 0.746, 0.640),
            Evidence("battery-care", "- Leave the robot on the dock when it is not in use; the battery is designed for this.\n" +
                "- The battery typically retains 80% of its capacity after 500 full charge cycles. A replacement battery pack (NW-SW2-BAT, $59.99) can be fitted at home.",
                ChunkKind.Text, "Northwind Sweep S2: Care and Maintenance Schedule", "Battery care", 0.581, 0.655));

        Assert.Equal(AnswerStatus.Answered, done.Status);
        Assert.StartsWith("Specification: Battery; Value: 14.4 V lithium-ion, 5,200 mAh.", text, StringComparison.Ordinal);
    }
}
