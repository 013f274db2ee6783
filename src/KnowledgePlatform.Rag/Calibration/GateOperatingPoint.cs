using KnowledgePlatform.Core.Domain;

namespace KnowledgePlatform.Rag.Calibration;

/// <summary>
/// Where a vertical sets its evidence gate: how many wrong abstentions one wrong answer is worth. Medical leans to
/// abstaining (a wrong clinical answer costs most); customer service leans to answering (a visitor who gets no answer is
/// offered a person).
/// </summary>
public sealed record GateOperatingPoint(double WrongAnswerCost)
{
    public static GateOperatingPoint For(Vertical vertical) => vertical switch
    {
        Vertical.Medical => new(3.0),
        Vertical.CustomerService => new(1.0),
        _ => new(2.0),
    };
}
