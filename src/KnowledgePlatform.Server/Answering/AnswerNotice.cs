using KnowledgePlatform.Rag.Answering;
using KnowledgePlatform.Rag.Answering.Extractive;

namespace KnowledgePlatform.Server.Answering;

/// <summary>
/// What an API client or a curator is told about how an answer was made, beside its text: that no generative model is
/// configured and the answer quotes passages. The widget does not show it to visitors: they get a clean answer with
/// its sources.
/// </summary>
public static class AnswerNotice
{
    public static string? Of(AnswerCompleted? done) =>
        done is { Status: AnswerStatus.Answered, Model: ExtractiveAnswerer.ModelName } ? ExtractiveAnswerer.Notice : null;
}
