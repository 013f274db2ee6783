using KnowledgePlatform.Core.Policies;
using KnowledgePlatform.Rag.Answering;
using Xunit;

namespace KnowledgePlatform.Tests.Policies;

public sealed class PolicyTests
{
    private static readonly Redactor Redactor = new();

    [Fact]
    public void A_tenant_can_tighten_a_template_but_never_loosen_it()
    {
        var loosening = new PolicyOverrides(
            Redact: [], BlockedTopics: ["crypto"], CitationRequired: false, MaxAnswerChars: 100_000, RetentionDays: 3650,
            NeutraliseEmbeddedInstructions: false, Disclaimer: "Ask your pharmacist.");

        var effective = PolicyTemplates.MedicalStrict.Tighten(loosening);

        Assert.Equal(PolicyTemplates.MedicalStrict.Redact, effective.Redact);
        Assert.Contains("crypto", effective.BlockedTopics);
        Assert.Contains("lethal dose", effective.BlockedTopics);
        Assert.True(effective.CitationRequired);
        Assert.True(effective.NeutraliseEmbeddedInstructions);
        Assert.Equal(PolicyTemplates.MedicalStrict.MaxAnswerChars, effective.MaxAnswerChars);
        Assert.Equal(PolicyTemplates.MedicalStrict.RetentionDays, effective.RetentionDays);
        Assert.StartsWith(PolicyTemplates.MedicalStrict.Disclaimer!, effective.Disclaimer, StringComparison.Ordinal);
        Assert.EndsWith("Ask your pharmacist.", effective.Disclaimer, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Call Customer Care on 1-800-555-0199 or write to help@northwindhome.example.", "Call Customer Care on 1-800-555-0199 or write to help@northwindhome.example.")]
    [InlineData("Call (888) 555-0100, +1 877 555 0100, 0800 123 4567 or +44 808 157 0192.", "Call (888) 555-0100, +1 877 555 0100, 0800 123 4567 or +44 808 157 0192.")]
    [InlineData("Write to customer.relations@northwindhome.example or no-reply@clinic.org.", "Write to customer.relations@northwindhome.example or no-reply@clinic.org.")]
    [InlineData("Your claim number has the format WC-2026-123456.", "Your claim number has the format WC-2026-123456.")]   // a code, not a number to call
    public void An_organisations_toll_free_number_role_address_and_codes_are_kept(string text, string expected) =>
        Assert.Equal(expected, Redactor.Redact(text, PolicyTemplates.CustomerServiceStandard).Text);

    [Theory]
    [InlineData("Call me on 555-123-4567 or 8005550199, or write to support.jane@northwind.example.", "Call me on [PHONE] or [PHONE], or write to [EMAIL].")]
    [InlineData("My number is +1 212 555 0100 and my email is jdoe@example.org.", "My number is [PHONE] and my email is [EMAIL].")]
    public void A_persons_number_and_address_are_redacted_though_they_look_like_an_organisations(string text, string expected) =>
        Assert.Equal(expected, Redactor.Redact(text, PolicyTemplates.CustomerServiceStandard).Text);

    [Theory]
    [InlineData("Write to jane.doe@example.org today.", "Write to [EMAIL] today.")]
    [InlineData("Call +44 20 7946 0958 or (555) 123-4567.", "Call [PHONE] or [PHONE].")]
    [InlineData("SSN 123-45-6789 and NI number AB 12 34 56 C.", "SSN [NATIONAL-ID] and NI number [NATIONAL-ID].")]
    [InlineData("MRN: A1234567 was admitted.", "MRN: [MRN] was admitted.")]
    [InlineData("Patient: Jane Doe reported dizziness; Mrs. Ada Brown did not.", "Patient: [NAME] reported dizziness; Mrs. [NAME] did not.")]
    [InlineData("Take 500 mg every 4 to 6 hours, maximum 4 g in 24 hours.", "Take 500 mg every 4 to 6 hours, maximum 4 g in 24 hours.")]
    [InlineData("Target INR 2.5 (range 2.0 to 3.0); eGFR 30 to 44 mL/min; in 2024 1200 patients.", "Target INR 2.5 (range 2.0 to 3.0); eGFR 30 to 44 mL/min; in 2024 1200 patients.")]
    public void Medical_strict_redacts_pii_and_phi_but_leaves_clinical_numbers(string text, string expected)
    {
        Assert.Equal(expected, Redactor.Redact(text, PolicyTemplates.MedicalStrict).Text);
    }

    [Fact]
    public void The_default_policy_redacts_nothing()
    {
        Assert.Equal((("Mail jane@example.org"), 0), Redactor.Redact("Mail jane@example.org", PolicyTemplates.Default));
    }

    [Fact]
    public void A_deployment_can_add_its_own_redaction_rule()
    {
        var redactor = new Redactor([new RedactionRule("ticket", new System.Text.RegularExpressions.Regex(@"TCK-\d+"), "[TICKET]")]);
        var policy = PolicyTemplates.Default with { Name = "x", Redact = ["ticket"] };

        Assert.Equal("See [TICKET].", redactor.Redact("See TCK-991.", policy).Text);
    }

    private static async IAsyncEnumerable<AnswerEvent> Answer(IEnumerable<string> deltas, bool cite, AnswerStatus status = AnswerStatus.Answered)
    {
        foreach (var d in deltas) yield return new AnswerDelta(d);
        yield return new AnswerCitations(cite ? [new Citation(1, "c1", "d1", "Doc", "doc.md", "Intro", null, "Contact nurse@clinic.org for help.", 0.5)] : []);
        yield return new AnswerCompleted(status, "test");
        await Task.CompletedTask;
    }

    private static async Task<(string Text, List<AnswerEvent> Events)> Run(SecurityPolicy policy, IAsyncEnumerable<AnswerEvent> answer, PolicyActions actions)
    {
        var events = new List<AnswerEvent>();
        await foreach (var e in new PolicyEnforcer(Redactor).EnforceAsync(policy, answer, actions, TestContext.Current.CancellationToken)) events.Add(e);
        return (string.Concat(events.OfType<AnswerDelta>().Select(d => d.Text)), events);
    }

    [Fact]
    public async Task Pii_split_across_streamed_tokens_is_still_redacted()
    {
        var actions = new PolicyActions();
        var (text, events) = await Run(PolicyTemplates.CustomerServiceStandard,
            Answer(["Email jane.d", "oe@north", "wind.example", " or call 555", "-123-", "4567. Done."], cite: true), actions);

        Assert.StartsWith("Email [EMAIL] or call [PHONE]. Done.", text, StringComparison.Ordinal);
        Assert.Equal("Contact [EMAIL] for help.", events.OfType<AnswerCitations>().Single().Citations[0].Quote);
        Assert.Equal(3, actions.Redactions);
    }

    [Fact]
    public async Task Strict_mode_refuses_an_answer_without_citations_and_adds_the_disclaimer()
    {
        var actions = new PolicyActions();
        var (text, events) = await Run(PolicyTemplates.MedicalStrict, Answer(["Take ", "two tablets."], cite: false), actions);

        Assert.DoesNotContain("two tablets", text, StringComparison.Ordinal);
        Assert.StartsWith(PolicyEnforcer.NotFound, text, StringComparison.Ordinal);
        Assert.EndsWith(PolicyTemplates.MedicalStrict.Disclaimer!, text, StringComparison.Ordinal);
        Assert.Equal(AnswerStatus.InsufficientEvidence, events.OfType<AnswerCompleted>().Single().Status);
    }

    [Fact]
    public async Task An_answer_longer_than_the_limit_is_cut()
    {
        var policy = PolicyTemplates.Default with { MaxAnswerChars = 20 };
        var actions = new PolicyActions();

        var (text, _) = await Run(policy, Answer(["This answer is much longer ", "than twenty characters."], cite: true), actions);

        Assert.Equal("This answer is much …", text);
        Assert.True(actions.Truncated);
    }

    [Fact]
    public void A_question_on_a_blocked_topic_is_recognised()
    {
        Assert.Equal("lethal dose", PolicyEnforcer.BlockedTopic(PolicyTemplates.MedicalStrict, "What is the LETHAL DOSE of paracetamol?"));
        Assert.Null(PolicyEnforcer.BlockedTopic(PolicyTemplates.MedicalStrict, "What is the maximum dose of paracetamol?"));
    }
}
