namespace KnowledgePlatform.Core.Text;

/// <summary>A word of a text: its letters and digits lower-cased, and where it stands in the text.</summary>
public readonly record struct SpanWord(string Text, int Start, int Length);
