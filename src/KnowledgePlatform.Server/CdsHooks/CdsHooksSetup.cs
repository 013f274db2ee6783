using System.Text.Json;
using System.Text.Json.Serialization;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Http;
using KnowledgePlatform.Server.Security;
using Microsoft.AspNetCore.Authentication;

namespace KnowledgePlatform.Server.CdsHooks;

public static class CdsHooksSetup
{
    /// <summary>The authorization policy of /cds-services: an EHR's signed JWT, or an API key with the ask scope.</summary>
    public const string Policy = "cds-hooks";
    public const string Scheme = "CdsHooks";

    /// <summary>How cards are stored with an invocation: as they were sent.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>CDS Hooks services (decision 0110): settings, the EHR token scheme, FHIR and JWK Set clients, the card advisor.</summary>
    public static IHostApplicationBuilder AddCdsHooks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CdsHooksOptions>().Bind(builder.Configuration.GetSection(CdsHooksOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddMemoryCache();
        builder.Services.AddHttpClient(FhirServerReader.ClientName).ConfigurePrimaryHttpMessageHandler(OutboundHttp.Handler);
        builder.Services.AddHttpClient(CdsClientKeys.ClientName).ConfigurePrimaryHttpMessageHandler(OutboundHttp.Handler);
        builder.Services.AddSingleton<FhirServerReader>();
        builder.Services.AddSingleton<CdsClientKeys>();
        builder.Services.AddScoped<PatientFactsReader>();
        builder.Services.AddScoped<CdsCardAdvisor>();

        builder.Services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, CdsJwtAuthenticationHandler>(CdsJwtAuthenticationHandler.SchemeName, null)
            .AddPolicyScheme(Scheme, "CDS Hooks JWT or API key", o => o.ForwardDefaultSelector = Select);
        builder.Services.AddAuthorizationBuilder().AddPolicy(Policy, p => p.AddAuthenticationSchemes(Scheme)
            .RequireClaim(ApiKeyAuthenticationHandler.TenantClaim)
            .RequireClaim(ApiKeyAuthenticationHandler.ScopeClaim, ApiScopes.Ask));
        return builder;
    }

    /// <summary>An X-Api-Key, or a bearer that is not a JWT, is an API key (for trying services with curl); a JWT is the EHR's.</summary>
    private static string Select(HttpContext context)
    {
        if (context.Request.Headers.ContainsKey("X-Api-Key")) return ApiKeyAuthenticationHandler.SchemeName;
        var authorization = context.Request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.Count(c => c == '.') != 2
            ? ApiKeyAuthenticationHandler.SchemeName
            : CdsJwtAuthenticationHandler.SchemeName;
    }
}
