using System.Text.RegularExpressions;

namespace KnowledgePlatform.Core.Policies;

/// <summary>
/// Contacts that an organisation publishes for anyone to use, which are not personal data and are not redacted
/// (decision 0174): an address of a role rather than a person (support@, help@, customer.relations@, no-reply@), and a
/// toll-free number (North American 800, 833, 844, 855, 866, 877, 888; UK 0800 and 0808; international +800), which
/// only organisations hold.
/// </summary>
public static partial class OrganisationContacts
{
    /// <summary>The words a role's address is made of: every word of its local part must be one.</summary>
    private static readonly HashSet<string> RoleWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "support", "help", "helpdesk", "info", "information", "contact", "contactus", "service", "services", "customer", "customers",
        "customerservice", "customercare", "care", "relations", "sales", "orders", "order", "returns", "warranty", "billing",
        "accounts", "privacy", "security", "legal", "press", "media", "feedback", "hello", "team", "office", "admin", "webmaster",
        "noreply", "no", "reply", "donotreply", "do", "not", "enquiries", "inquiries", "reception", "appointments", "bookings",
        "careers", "jobs", "complaints", "pharmacy", "clinic", "dpo", "compliance",
    };

    /// <summary>An address whose local part names a role, not a person: support@…, customer.relations@…, no-reply@….</summary>
    public static bool IsRoleAddress(string address)
    {
        var at = address.IndexOf('@');
        if (at <= 0) return false;
        var words = address[..at].Split(['.', '_', '-', '+'], StringSplitOptions.RemoveEmptyEntries);
        return words.Length > 0 && words.All(RoleWords.Contains);
    }

    /// <summary>
    /// A toll-free number as it is written: 1-800-555-0199, (888) 555-0100, +1 877 555 0100, 0800 123 4567, +44 808 157 0192,
    /// +800 1234 5678. A North American one must set its area code apart (8005550199 alone may be a mobile elsewhere).
    /// </summary>
    public static bool IsTollFree(string number) => TollFree().IsMatch(number.Trim());

    [GeneratedRegex(@"^(?:(?:\+?1[\s.-]?)?(?:\(8(?:00|33|44|55|66|77|88)\)\s?|8(?:00|33|44|55|66|77|88)[\s.-])\d{3}[\s.-]\d{4}|(?:\+44\s?(?:\(0\)\s?)?|0)80[08](?:[\s-]?\d){6,7}|\+800(?:[\s-]?\d){8})$")]
    private static partial Regex TollFree();
}
