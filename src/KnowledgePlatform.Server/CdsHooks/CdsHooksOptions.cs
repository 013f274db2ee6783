using System.ComponentModel.DataAnnotations;

namespace KnowledgePlatform.Server.CdsHooks;

/// <summary>CDS Hooks settings (section CdsHooks).</summary>
public sealed class CdsHooksOptions
{
    public const string Section = "CdsHooks";

    /// <summary>
    /// The address EHRs call this server by (https://cds.example.org), when it differs from what the request says (behind a
    /// proxy that rewrites the host). A token's aud must be this base plus /cds-services[/{id}].
    /// </summary>
    [Url]
    public string? PublicBaseUrl { get; set; }

    /// <summary>How long a read from the EHR's FHIR server may take before the service answers without it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00", ErrorMessage = "CdsHooks:FhirTimeout must be between 100 ms and 1 minute.")]
    public TimeSpan FhirTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How much clock difference between the EHR and this server a token's exp and iat may show.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = "CdsHooks:ClockSkew must be between 0 and 10 minutes.")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest lifetime (exp - iat) a token may have; the specification's tokens are single-use and short.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00", ErrorMessage = "CdsHooks:MaxTokenLifetime must be between 10 seconds and 1 day.")]
    public TimeSpan MaxTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a client's JWK Set fetched from its URL is kept before it is fetched again.</summary>
    public TimeSpan JwksCacheDuration { get; set; } = TimeSpan.FromMinutes(10);
}
