using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using KnowledgePlatform.IntegrationTests.Channels;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.CdsHooks;

/// <summary>
/// The demo medical knowledge base (samples/medical, calibrated as the scheduler would), offered to EHRs on order-select,
/// order-sign and patient-view, and an EHR registered with an ES384 JWK Set whose private key the tests sign with.
/// </summary>
public sealed class CdsHooksHost : IAsyncLifetime
{
    public const string Key = "kp_demo_clinic_key";
    public const string Issuer = "https://ehr.example.org/";
    public const string KeyId = "ehr-signing-1";

    private readonly ECDsa _signing = ECDsa.Create(ECCurve.NamedCurves.nistP384);

    private readonly SqlitePlatform _platform = new();

    public PlatformHost Host => _platform.Host;

    public JsonSchema ResponseSchema { get; } = JsonSchema.FromText(File.ReadAllText(Fixture("cds-service-response.schema.json")));

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "CdsHooks", "Fixtures", name);

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        await _platform.StartAsync(ct, new Dictionary<string, string>
        {
            ["Demo:Enabled"] = "true",
            ["Demo:SamplesPath"] = SampleFiles.Folder,
            ["Calibration:Enabled"] = "false",
            ["CdsHooks:FhirTimeout"] = "00:00:02",
            ["Security:RateLimits:KeyRequestsPerMinute"] = "100000",
        });
        using var http = Host.Client();
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while ((await http.GetAsync("/health/ready", ct)).StatusCode != System.Net.HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < deadline, "The demo knowledge bases were not ready within 3 minutes.");
            await Task.Delay(500, ct);
        }
        using var api = Host.Client(Key);
        // Calibrating answers when it is done (seconds on a quiet machine); it once took over HttpClient's default 100 s
        // while a load average of 35 sat on two cores. The suite's own timeout still bounds it.
        api.Timeout = TimeSpan.FromMinutes(10);
        (await api.PostAsync("/api/v1/knowledge-bases/medical/evidence-gate/calibrate", null, ct)).EnsureSuccessStatusCode();
        foreach (var hook in new[] { "order-select", "order-sign", "patient-view" })
            (await api.PostAsJsonAsync("/api/v1/cds-hooks/services", new { knowledgeBase = "medical", hook }, ct)).EnsureSuccessStatusCode();
        (await api.PostAsJsonAsync("/api/v1/cds-hooks/clients", new { name = "Example EHR", issuer = Issuer, jwks = JsonSerializer.Deserialize<JsonElement>(PublicJwks(_signing, KeyId)) }, ct))
            .EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        _signing.Dispose();
        await _platform.DisposeAsync();
    }

    /// <summary>A JWK Set with the public half of an EC P-384 key.</summary>
    public static string PublicJwks(ECDsa key, string kid)
    {
        var p = key.ExportParameters(false);
        return new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = "EC", ["crv"] = "P-384", ["use"] = "sig", ["alg"] = "ES384", ["kid"] = kid,
                ["x"] = Base64UrlEncoder.Encode(p.Q.X), ["y"] = Base64UrlEncoder.Encode(p.Q.Y),
            }),
        }.ToJsonString();
    }

    /// <summary>A token as any registered EHR signs it for one call: short-lived, a fresh jti.</summary>
    public static string Sign(ECDsa key, string kid, string issuer, string audience, string subject) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer, Audience = audience, Expires = DateTime.UtcNow.AddMinutes(5),
            Claims = new Dictionary<string, object> { ["jti"] = Guid.NewGuid().ToString(), ["sub"] = subject },
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key) { KeyId = kid }, SecurityAlgorithms.EcdsaSha384),
        });

    /// <summary>A token as the EHR signs it for a call to <paramref name="path"/>; each argument spoils one part.</summary>
    public string Token(string path, string? audience = null, DateTime? expires = null, string? jti = null, ECDsa? key = null, string kid = KeyId)
    {
        var now = DateTime.UtcNow;
        var exp = expires ?? now.AddMinutes(5);
        var iat = exp < now ? exp.AddMinutes(-5) : now;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience ?? Host.Url(path).TrimEnd('/'),
            IssuedAt = iat,
            Expires = exp,
            Claims = new Dictionary<string, object> { ["jti"] = jti ?? Guid.NewGuid().ToString(), ["sub"] = "example-ehr" },
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key ?? _signing) { KeyId = kid }, SecurityAlgorithms.EcdsaSha384),
        });
    }

    /// <summary>A request body from a fixture, with hook and hookInstance added where the specification's example gives only the context.</summary>
    public static JsonObject Request(string fixture, string hook)
    {
        var body = JsonNode.Parse(File.ReadAllText(Fixture(fixture)))!.AsObject();
        body["hook"] ??= hook;
        body["hookInstance"] ??= Guid.NewGuid().ToString();
        return body;
    }

    /// <summary>Fails with the schema's errors when the response is not a CDS Hooks service response.</summary>
    public void AssertConforms(JsonNode response)
    {
        var result = ResponseSchema.Evaluate(response, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        var errors = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"));
        Assert.True(result.IsValid, "The response does not conform to the card format:\n" + string.Join("\n", errors) + "\n" + response.ToJsonString());
    }
}

[CollectionDefinition(Name)]
public sealed class CdsHooksCollection : ICollectionFixture<CdsHooksHost>
{
    public const string Name = "CDS Hooks on the demo medical knowledge base";
}
