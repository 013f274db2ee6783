using KnowledgePlatform.Core.Domain;

namespace KnowledgePlatform.Rag.Calibration;

/// <summary>
/// Where a vertical sets its evidence gate: the share of unanswerable pseudo-questions it lets through (chosen on the
/// development sets, docs/benchmarks/answers.md). Medical leans to
/// abstaining (a wrong clinical answer costs most); customer service leans to answering (a visitor who gets no answer
/// is offered a person). Set from the unanswerable side only: answerable pseudo-questions have their own words masked
/// out of their sources, so they score lower than real questions do and would pull the threshold up.
/// </summary>
public sealed record GateOperatingPoint(double FalseAcceptRate)
{
    public static GateOperatingPoint For(Vertical vertical) => vertical switch
    {
        Vertical.Medical => new(0.15),
        Vertical.CustomerService => new(0.50),
        _ => new(0.30),
    };
}
