using KnowledgePlatform.Core.Domain;

namespace KnowledgePlatform.Rag.Evidence;

/// <summary>
/// The gate a knowledge base uses until it has calibrated its own (too little content yet): the fixed score of
/// <see cref="EvidenceFeatures"/> through a logistic, with each vertical's threshold (docs/benchmarks/answers.md).
/// </summary>
public static class EvidenceGateDefaults
{
    public static EvidenceGateCalibration For(Vertical vertical) => EvidenceFeatures.Calibration(1, 0, vertical switch
    {
        Vertical.Medical => 0.5,
        Vertical.CustomerService => 0.3,
        _ => 0.4,
    });
}
