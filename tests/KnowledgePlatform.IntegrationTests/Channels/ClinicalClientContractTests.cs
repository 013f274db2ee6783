using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using KnowledgePlatform.Samples.ClinicalClient;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Channels;

/// <summary>
/// The sample clinical client (samples/clinical-client) against the server: every property of its records exists
/// in the OpenAPI document with a matching JSON type, and the typed client reads real answers.
/// </summary>
public sealed class ClinicalClientContractTests(SqlitePlatform platform) : PlatformTest(platform), IClassFixture<SqlitePlatform>
{
    private static readonly Type[] ClientTypes =
    [
        typeof(PatientContext), typeof(EvidenceRequest), typeof(EvidenceDocument), typeof(EvidencePassage), typeof(KnowledgeBaseRef),
        typeof(EvidenceResponse), typeof(ClinicalAnswerRequest), typeof(AnswerSentence), typeof(Citation), typeof(CitationSource), typeof(GenerationDto),
        typeof(ClinicalAnswerResponse),
    ];

    protected override string TenantName => "clinic";

    protected override string KnowledgeBase => "medical";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await PlatformHost.IngestAsync(Admin, "medical", "chronic-kidney-disease.md", SampleFiles.Read("medical/chronic-kidney-disease.md"), Ct);
    }

    [Fact]
    public async Task Every_property_of_the_client_records_is_in_the_openapi_schema_with_a_matching_type()
    {
        using var client = Host.Client();
        var schemas = (await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Ct)).GetProperty("components").GetProperty("schemas");
        var mismatches = new List<string>();
        foreach (var type in ClientTypes)
        {
            if (!schemas.TryGetProperty(type.Name, out var schema))
            {
                mismatches.Add($"{type.Name}: no such schema");
                continue;
            }
            var properties = schema.GetProperty("properties");
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.Name != "EqualityContract"))
            {
                var name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
                if (!properties.TryGetProperty(name, out var served))
                {
                    mismatches.Add($"{type.Name}.{name}: not in the server's schema");
                    continue;
                }
                var expected = KindOf(property.PropertyType);
                var kinds = Kinds(served, schemas);
                if (!kinds.Contains(expected) && !(expected == "number" && kinds.Contains("integer")))
                    mismatches.Add($"{type.Name}.{name}: client {expected}, server {string.Join("|", kinds)}");
                if ((Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType) is { IsEnum: true } enumType)
                {
                    var values = EnumValues(served, schemas);
                    foreach (var field in enumType.GetFields(BindingFlags.Public | BindingFlags.Static))
                    {
                        var wire = field.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? field.Name;
                        if (!values.Contains(wire)) mismatches.Add($"{type.Name}.{name}: the server has no value '{wire}'");
                    }
                }
            }
        }
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    [Fact]
    public async Task The_typed_client_reads_evidence_an_answer_and_a_problem()
    {
        using var http = Host.Client();
        http.DefaultRequestHeaders.Authorization = new("Bearer", Tenant.Key);
        var api = new ClinicalApi(http);

        var evidence = await api.EvidenceAsync(new EvidenceRequest("What eGFR range defines CKD category G3b?", Patient: new PatientContext(AgeYears: 70, Egfr: 40)), Ct);
        Assert.Equal("chronic-kidney-disease.md", evidence.Passages[0].Document.FileName);

        var answer = await api.AnswerAsync(new ClinicalAnswerRequest("What eGFR range defines CKD category G3b?"), Ct);
        Assert.Equal(ClinicalAnswerStatus.Answered, answer.Status);
        Assert.All(answer.Sentences, s => Assert.NotEmpty(s.Citations));
        // A citation's source opens with the client's own credential: the original file it quotes.
        var source = answer.Citations[0].Source!;
        Assert.Contains("G3b", await http.GetStringAsync(source.ContentUrl, Ct));
        Assert.StartsWith($"/portal/documents/{answer.Citations[0].DocumentId}/source?", source.ViewUrl);

        var refused = await Assert.ThrowsAsync<ClinicalApiException>(() => api.AnswerAsync(new ClinicalAnswerRequest(""), Ct));
        Assert.Equal("question_missing", refused.Problem.Code);
        Assert.False(string.IsNullOrEmpty(refused.Problem.RequestId));
    }

    private static string KindOf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string) || type == typeof(DateOnly) || type == typeof(DateTimeOffset) || type.IsEnum) return "string";
        if (type == typeof(int) || type == typeof(long)) return "integer";
        if (type == typeof(double) || type == typeof(float)) return "number";
        if (type == typeof(bool)) return "boolean";
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>)) return "array";
        return "object";
    }

    /// <summary>The JSON types a property schema allows, following $ref, oneOf and anyOf; "null" left out.</summary>
    private static HashSet<string> Kinds(JsonElement schema, JsonElement schemas)
    {
        var kinds = new HashSet<string>();
        if (schema.TryGetProperty("$ref", out var reference))
            return Kinds(schemas.GetProperty(reference.GetString()!.Split('/')[^1]), schemas);
        if (schema.TryGetProperty("type", out var type))
        {
            if (type.ValueKind == JsonValueKind.String) kinds.Add(type.GetString()!);
            else foreach (var t in type.EnumerateArray()) kinds.Add(t.GetString()!);
        }
        foreach (var combinator in new[] { "oneOf", "anyOf", "allOf" })
            if (schema.TryGetProperty(combinator, out var options))
                foreach (var option in options.EnumerateArray()) kinds.UnionWith(Kinds(option, schemas));
        if (kinds.Count == 0 && schema.TryGetProperty("properties", out _)) kinds.Add("object");
        if (kinds.Count == 0 && schema.TryGetProperty("enum", out _)) kinds.Add("string");
        kinds.Remove("null");
        return kinds;
    }

    private static HashSet<string> EnumValues(JsonElement schema, JsonElement schemas)
    {
        if (schema.TryGetProperty("$ref", out var reference)) return EnumValues(schemas.GetProperty(reference.GetString()!.Split('/')[^1]), schemas);
        var values = new HashSet<string>();
        if (schema.TryGetProperty("enum", out var list))
            foreach (var v in list.EnumerateArray()) if (v.ValueKind == JsonValueKind.String) values.Add(v.GetString()!);
        foreach (var combinator in new[] { "oneOf", "anyOf" })
            if (schema.TryGetProperty(combinator, out var options))
                foreach (var option in options.EnumerateArray()) values.UnionWith(EnumValues(option, schemas));
        return values;
    }
}
