namespace KnowledgePlatform.Core.Domain;

/// <summary>Pages read by optical character recognition (decision 0081), with the mean word confidence (0-100).</summary>
public sealed record TextRecognition(string Engine, string Languages, int Pages, double Confidence);
