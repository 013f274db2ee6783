namespace KnowledgePlatform.Rag.Calibration;

/// <summary>Where a pseudo-question was cut from.</summary>
public enum PseudoQuestionKind
{
    /// <summary>A FAQ entry's question, for its answer.</summary>
    Faq,
    /// <summary>A table row's key (its first cell), for the row.</summary>
    TableRow,
    /// <summary>A section heading, for the section's chunks.</summary>
    Heading,
    /// <summary>A document's title, for the document.</summary>
    Title,
    /// <summary>A sentence of a chunk, for the rest of the chunk (the inverse cloze task): only <see cref="PseudoQuestions.Sentences"/> cuts these.</summary>
    Sentence,
}
