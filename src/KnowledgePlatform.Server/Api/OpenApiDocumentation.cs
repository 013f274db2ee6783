using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;

namespace KnowledgePlatform.Server.Api;

/// <summary>
/// What the OpenAPI document (and so the rendered docs at /docs) says beyond each endpoint's own metadata: an
/// introduction (authentication, errors, versioning), the credential schemes, each operation's security requirement and
/// the Problem Details answers it can give.
/// </summary>
public static class OpenApiDocumentation
{
    public const string ApiKeyScheme = "ApiKey";
    public const string BearerScheme = "Bearer";
    private const string ProblemSchema = "Problem";

    private const string Introduction = """
        Grounded, cited answers from a tenant's own knowledge bases, and the curation behind them.

        **Authentication.** Every call carries a credential, and the tenant of a request is always the credential's, never
        a field of the request: an API key in `X-Api-Key` (or `Authorization: Bearer <key>`), or, where the server is set up
        for OpenID Connect, an access token from that issuer in `Authorization: Bearer`. A key's scopes (read, ask, ingest,
        admin) decide what it may call. `/cds-services` takes the signed JWT of a registered EHR. A knowledge base or
        document of another tenant answers 404, exactly like one that does not exist.

        **Errors.** Every error is Problem Details (`application/problem+json`, RFC 9457) with a stable `code` to branch on
        (for example `missing_api_key`, `insufficient_scope`, `not_found`, `rate_limited`, `token_quota_exceeded`,
        `index_unavailable`) and the `requestId` that the `X-Request-Id` header also carries. 429 and 503 answers carry
        `Retry-After`. Every write accepts an `Idempotency-Key`.

        **Versioning.** The version is in the path (`/api/v1`). Within a version, fields and endpoints are only added;
        a change that would break a client gets a new version, and the old one stays while clients move.
        """;

    /// <summary>The introduction, the credential schemes and the Problem Details schema.</summary>
    public static Task DescribeDocument(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "KnowledgePlatform API";
        document.Info.Description = Introduction;
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "X-Api-Key",
            Description = "A tenant's API key (`kp_…`), created in the portal or with `POST /api/v1/keys`.",
        };
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http, Scheme = "bearer",
            Description = "An API key as a bearer token (what OpenAI clients send), an OpenID Connect access token where `ApiTokens:Authority` is set, or on `/cds-services` a registered EHR's signed JWT.",
        };
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[ProblemSchema] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "Problem Details (RFC 9457) with the stable `code` and the request's id.",
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String },
                ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer },
                ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String },
                ["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Stable, for clients to branch on (docs/api.md lists them)." },
                ["requestId"] = new OpenApiSchema { Type = JsonSchemaType.String },
            },
        };
        return Task.CompletedTask;
    }

    /// <summary>
    /// The operation's security requirement (the credentials it accepts, or explicitly none) and the errors it can
    /// answer: 401 and 403 where it needs a credential, 400 where it takes input, 404 where its path names a resource,
    /// 429 where it is rate-limited, 500 always.
    /// </summary>
    public static Task DescribeOperation(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var secured = metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();
        var path = context.Description.RelativePath ?? "";
        var document = context.Document;
        operation.Security = !secured
            ? [new OpenApiSecurityRequirement()]
            : path.StartsWith("cds-services", StringComparison.Ordinal)
                ? [Requirement(BearerScheme, document), Requirement(ApiKeyScheme, document)]
                : [Requirement(ApiKeyScheme, document), Requirement(BearerScheme, document)];

        var takesInput = context.Description.ParameterDescriptions.Count > 0 || operation.RequestBody is not null;
        AddError(operation, document, 400, "The request is malformed or invalid (`bad_request` or a more specific code).", takesInput);
        AddError(operation, document, 401, "No credential, or a wrong, expired or revoked one (`missing_api_key`, `invalid_api_key`, `invalid_token`).", secured);
        AddError(operation, document, 403, "The credential lacks the scope or role (`insufficient_scope`).", secured);
        AddError(operation, document, 404, "No such resource for this tenant (`not_found`).", path.Contains('{'));
        AddError(operation, document, 429, "Over the rate limit or a quota (`rate_limited`, `token_quota_exceeded`); see `Retry-After`.",
            metadata.OfType<EnableRateLimitingAttribute>().Any());
        AddError(operation, document, 500, "An unexpected error (`internal_error`); report the `requestId`.", true);
        return Task.CompletedTask;
    }

    private static OpenApiSecurityRequirement Requirement(string scheme, OpenApiDocument? document) =>
        new() { [new OpenApiSecuritySchemeReference(scheme, document)] = [] };

    private static void AddError(OpenApiOperation operation, OpenApiDocument? document, int status, string description, bool applies)
    {
        if (!applies) return;
        operation.Responses ??= [];
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation.Responses.ContainsKey(key)) return;
        operation.Responses[key] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, document) },
            },
        };
    }
}
