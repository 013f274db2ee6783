using System.Text.RegularExpressions;

namespace KnowledgePlatform.Rag.Answering.Extractive;

/// <summary>
/// A sentence about its document rather than about what the document says: what it explains, covers or is for ("This
/// guide helps you connect a Northwind Aura… to Wi-Fi", "This policy applies to products bought directly from…",
/// "… is fictional; this guide is sample content"). Such a sentence holds many of a question's words, since it names the
/// document's whole subject, and answers none of them: "Why won't my Aura connect to wifi?" is not answered by what the
/// guide is about. So is a sentence that sends the reader to another document or section ("For \"No Signal\" and HDMI
/// input problems, see the separate No Signal troubleshooting guide"): it names a subject and leaves the answer elsewhere.
/// </summary>
internal static partial class AboutTheDocument
{
    public static bool Is(string sentence) => Opening().IsMatch(sentence) || SeeElsewhere().IsMatch(sentence);

    [GeneratedRegex(@"(?:^|[;:.]\s+)(?:[-•*]\s*)?(?:this|these)\s+(?:guides?|documents?|leaflets?|pages?|polic(?:y|ies)|procedures?|manuals?|sections?|chapters?|articles?|faqs?|guidelines?|guidance|booklets?|courses?|training)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Opening();

    [GeneratedRegex(@"\bsee\s+(?:the\s+)?[^.;]{0,60}?\b(?:guides?|documents?|leaflets?|pages?|polic(?:y|ies)|procedures?|manuals?|sections?|chapters?|articles?|faqs?|guidelines?|booklets?)\b", RegexOptions.IgnoreCase)]
    private static partial Regex SeeElsewhere();
}
