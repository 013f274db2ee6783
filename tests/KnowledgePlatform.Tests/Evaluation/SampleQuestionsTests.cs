using KnowledgePlatform.Bench.Samples;
using Xunit;

namespace KnowledgePlatform.Tests.Evaluation;

public sealed class SampleQuestionsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("kp-sample-questions-").FullName;

    private const string Tables = """
        # Sample questions

        ## Medical (`samples/medical/`)

        | # | Question | Answered by | Expected answer (key facts) | The answer must say |
        |---|---|---|---|---|
        | 1 | What is the maximum daily dose of paracetamol for adults? | `drug-dosing.csv` | 4 g in 24 hours | 4 g |

        ## Customer service (`samples/customer-service/`)

        | # | Question | Answered by | Expected answer (key facts) | The answer must say |
        |---|---|---|---|---|
        | 1 | How long is the warranty on the Northwind Sweep S2? | `warranty-policy.md` | 2 years | 2 years |

        ## Questions the knowledge bases cannot answer

        | Knowledge base | Question |
        |---|---|
        | medical | How is malaria prevented when travelling? |

        """;

    [Fact]
    public void Reads_each_table_and_a_reworded_question_is_judged_by_the_key_fact_of_the_question_it_rewords()
    {
        File.WriteAllText(Path.Combine(_folder, "questions.md"), Tables + """
            ## The same questions asked differently

            | Knowledge base | # | Asked differently |
            |---|---|---|
            | customer-service | 1 | What warranty does the Sweep S2 come with? |
            """);

        var questions = SampleQuestions.Read(_folder);

        Assert.Equal(
        [
            new SampleQuestion("medical", "What is the maximum daily dose of paracetamol for adults?", "4 g", SampleWording.Written, 1),
            new SampleQuestion("customer-service", "How long is the warranty on the Northwind Sweep S2?", "2 years", SampleWording.Written, 1),
            new SampleQuestion("medical", "How is malaria prevented when travelling?", null, SampleWording.Unanswerable, 0),
            new SampleQuestion("customer-service", "What warranty does the Sweep S2 come with?", "2 years", SampleWording.AskedDifferently, 1),
        ], questions);
    }

    [Fact]
    public void A_held_out_question_is_judged_by_its_own_key_fact_and_one_without_a_fact_must_be_not_found()
    {
        File.WriteAllText(Path.Combine(_folder, "questions.md"), Tables + """
            ## Held-out questions

            | Knowledge base | Question | Answered by | The answer must say |
            |---|---|---|---|
            | medical | What colour is the 3 mg warfarin tablet? | `taking-warfarin-safely.pdf` | Blue |
            | customer-service | do you guys sell a video doorbell? | – | – |
            """);

        var heldOut = SampleQuestions.Read(_folder).Where(q => q.Wording is SampleWording.HeldOut or SampleWording.HeldOutUnanswerable).ToList();

        Assert.Equal(
        [
            new SampleQuestion("medical", "What colour is the 3 mg warfarin tablet?", "Blue", SampleWording.HeldOut, 0),
            new SampleQuestion("customer-service", "do you guys sell a video doorbell?", null, SampleWording.HeldOutUnanswerable, 0),
        ], heldOut);
    }

    [Fact]
    public void Rewording_a_question_the_tables_do_not_have_is_refused()
    {
        File.WriteAllText(Path.Combine(_folder, "questions.md"), Tables + """
            ## The same questions asked differently

            | Knowledge base | # | Asked differently |
            |---|---|---|
            | medical | 7 | What eGFR is G3b? |
            """);

        var error = Assert.Throws<InvalidDataException>(() => SampleQuestions.Read(_folder));
        Assert.Contains("question 7 of medical", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "insufficient_evidence", "I could not find this in the knowledge base.", SampleOutcome.Right)]
    [InlineData(null, "answered", "Malaria tablets…", SampleOutcome.Wrong)]
    [InlineData("2 years", "answered", "Main unit: 2 Years. [1]", SampleOutcome.Right)]
    [InlineData("2 years", "answered", "It is valid for 14 days. [1]", SampleOutcome.Wrong)]
    [InlineData("2 years", "insufficient_evidence", "I could not find this in the knowledge base.", SampleOutcome.NotFound)]
    public void An_answer_is_right_when_it_says_the_key_fact_or_says_not_found_for_a_question_that_cannot_be_answered(string? mustSay, string status, string answer, SampleOutcome expected)
    {
        var question = new SampleQuestion("customer-service", "?", mustSay, mustSay is null ? SampleWording.Unanswerable : SampleWording.AskedDifferently, 1);

        Assert.Equal(expected, SampleAnswer.Judge(question, status, answer));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
