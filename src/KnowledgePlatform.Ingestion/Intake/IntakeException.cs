namespace KnowledgePlatform.Ingestion.Intake;

public sealed class IntakeException(IntakeProblem problem, string code, string message) : Exception(message)
{
    public IntakeProblem Problem { get; } = problem;
    public string Code { get; } = code;
}
