using KnowledgePlatform.Core.Policies;
using KnowledgePlatform.Ingestion.Extraction;

namespace KnowledgePlatform.Ingestion.Pipeline.Steps;

/// <summary>redact: PII/PHI named by the tenant's policy is replaced before anything is chunked, embedded or stored.</summary>
public sealed class RedactStep(Redactor redactor) : IIngestionStep
{
    public string Name => "redact";
    public bool Durable => false;

    public Task RunAsync(IngestionContext context, CancellationToken cancellationToken)
    {
        var extracted = context.Extracted ?? throw new InvalidOperationException("redact runs after extract");
        var policy = context.Work.Policy;
        if (policy.Redact.Count == 0) return Task.CompletedTask;
        string R(string text) => redactor.Redact(text, policy).Text;
        context.Extracted = extracted with
        {
            Title = extracted.Title is null ? null : R(extracted.Title),
            Blocks = extracted.Blocks.Select(b => b switch
            {
                ParagraphBlock p => p with { Text = R(p.Text) },
                TableBlock t => t with { Rows = t.Rows.Select(row => (IReadOnlyList<string>)row.Select(R).ToList()).ToList() },
                QuestionAnswerBlock qa => qa with { Question = R(qa.Question), Answer = R(qa.Answer) },
                _ => b,
            }).ToList(),
        };
        return Task.CompletedTask;
    }
}
