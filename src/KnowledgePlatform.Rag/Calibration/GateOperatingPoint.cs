using KnowledgePlatform.Core.Domain;

namespace KnowledgePlatform.Rag.Calibration;

/// <summary>
/// Where a vertical sets its evidence gate: the share of unanswerable pseudo-questions it lets through (chosen on the
/// development sets, docs/benchmarks/answers.md). Medical leans to
/// abstaining (a wrong clinical answer costs most); customer service leans to answering (a visitor who gets no answer
/// is offered a person). Set from the unanswerable side, with a floor from the answerable side: the threshold never turns
/// away more than 30 % of the answerable pseudo-questions (which score lower than real questions, their own words being
/// masked out of their sources), so that content that repeats itself cannot push it above what the knowledge base answers.
/// </summary>
/// <param name="FalseAcceptRate">The share of unanswerable pseudo-questions the threshold lets through.</param>
/// <param name="AnswerableKept">The least share of answerable pseudo-questions the threshold keeps.</param>
public sealed record GateOperatingPoint(double FalseAcceptRate, double AnswerableKept = 0.7)
{
    public static GateOperatingPoint For(Vertical vertical) => vertical switch
    {
        Vertical.Medical => new(0.15),
        Vertical.CustomerService => new(0.60),
        _ => new(0.30),
    };
}
