using System.Text.RegularExpressions;

namespace KnowledgePlatform.Core.Policies;

/// <summary>
/// The built-in PII/PHI patterns. They are patterns, not a classifier: they catch the common written
/// forms. The extension point is <see cref="Redactor"/>'s constructor: a deployment may pass more rules.
/// An organisation's published contacts are not a person's data and are kept (decision 0174): a role's address
/// (support@, help@, customer.relations@) and a toll-free number (1-800-555-0199, 0800 …), so that a support page
/// still tells a visitor how to reach the organisation.
/// </summary>
public static partial class RedactionRules
{
    public const string Email = "email";
    public const string Phone = "phone";
    public const string NationalId = "national-id";
    public const string MedicalRecordNumber = "medical-record-number";
    public const string PatientName = "patient-name";
    public const string PaymentCard = "payment-card";

    public static IReadOnlyList<RedactionRule> BuiltIn { get; } =
    [
        new(Email, EmailPattern(), "[EMAIL]", m => !OrganisationContacts.IsRoleAddress(m)),
        // Before phone numbers, which would otherwise match parts of ids and card numbers.
        new(NationalId, NationalIdPattern(), "[NATIONAL-ID]"),
        new(MedicalRecordNumber, MrnPattern(), "$1[MRN]"),
        new(PaymentCard, CardPattern(), "[CARD]"),
        // Phone numbers have 9 to 15 digits; fewer is a dose, a count or a year.
        new(Phone, PhonePattern(), "[PHONE]", m => m.Count(char.IsAsciiDigit) is >= 9 and <= 15 && !OrganisationContacts.IsTollFree(m)),
        new(PatientName, PatientNamePattern(), "$1[NAME]"),
    ];

    [GeneratedRegex(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")]
    private static partial Regex EmailPattern();

    // US SSN, UK National Insurance number, NHS number written 3-3-4.
    [GeneratedRegex(@"\b(\d{3}-\d{2}-\d{4}|[A-CEGHJ-PR-TW-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]|\d{3}\s\d{3}\s\d{4})\b")]
    private static partial Regex NationalIdPattern();

    [GeneratedRegex(@"(?i)\b((?:MRN|medical record (?:number|no\.?)|hospital number)\s*[:#]?\s*)[A-Z0-9-]{5,}\b")]
    private static partial Regex MrnPattern();

    [GeneratedRegex(@"\b(?:\d[ -]?){13,16}\b")]
    private static partial Regex CardPattern();

    // Not a code's digits, joined to its capitals by a hyphen: a claim number WC-2026-123456, an order NW-12345678.
    [GeneratedRegex(@"(?<![\w+]|\p{Lu}-)(?:\+\d{1,3}[\s.-]?)?(?:\(?\d{2,5}\)?[\s.-]?){1,4}\d{3,4}(?![\w])")]
    private static partial Regex PhonePattern();

    // A capitalised name after a patient marker: "Patient: Jane Doe", "patient John Smith", "Mrs. Ada Brown".
    [GeneratedRegex(@"(\b(?:[Pp]atient(?: name)?|Pt|Mr|Mrs|Ms|Miss)\.?:?\s+)[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2}")]
    private static partial Regex PatientNamePattern();
}
