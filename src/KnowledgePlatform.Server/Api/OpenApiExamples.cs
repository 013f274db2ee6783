using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace KnowledgePlatform.Server.Api;

/// <summary>Request and response examples in the OpenAPI document (and so in the rendered docs at /docs).</summary>
public static class OpenApiExamples
{
    private static readonly Dictionary<string, (string Request, string? Response)> Examples = new(StringComparer.OrdinalIgnoreCase)
    {
        ["api/v1/evidence"] = ("""
            {"question":"What is the first-choice antibiotic for uncomplicated cystitis?","knowledgeBase":"medical",
             "patient":{"ageYears":34,"sex":"female","pregnant":false,"egfr":90,"allergies":["penicillin"]},"top":5}
            """, """
            {"question":"What is the first-choice antibiotic for uncomplicated cystitis?","searchedQuery":"What is the first-choice antibiotic for uncomplicated cystitis?\nPatient: age 34; female; eGFR 90; allergies: penicillin",
             "knowledgeBase":{"id":"kb_3f2c","name":"medical","version":"kbv_9a41c2d07e5b1f38"},
             "passages":[{"rank":1,"chunkId":"chk_81aa","document":{"id":"doc_17c2","title":"Antibiotic prescribing table","fileName":"antibiotic-prescribing-table.md"},
               "section":"Antibiotic prescribing > Urinary tract","page":null,"location":"Antibiotic prescribing > Urinary tract","effectiveDate":"2025-04-01","version":1,"score":0.83,
               "text":"| Uncomplicated cystitis (non-pregnant women) | Nitrofurantoin 100 mg modified-release twice daily | 3 days |"}],
             "requestId":"req_5d1c0f"}
            """),
        ["api/v1/answers"] = ("""
            {"question":"What eGFR range defines CKD category G3b?","knowledgeBase":"medical"}
            """, """
            {"status":"answered","answer":"G3b: eGFR 30–44 mL/min/1.73 m² (moderately to severely decreased). [1]",
             "sentences":[{"text":"G3b: eGFR 30–44 mL/min/1.73 m² (moderately to severely decreased).","citations":[1]}],
             "citations":[{"number":1,"chunkId":"chk_22b0","documentId":"doc_9e01","documentTitle":"Chronic kidney disease","fileName":"chronic-kidney-disease.md",
               "location":"Chronic kidney disease > Classification","page":null,"quote":"| G3b | 30–44 | Moderately to severely decreased |","score":0.79}],
             "disclaimer":"This information supports, and does not replace, clinical judgement. Check the cited source before acting.",
             "generation":{"model":"extractive","temperature":0,"seed":42},
             "knowledgeBase":{"id":"kb_3f2c","name":"medical","version":"kbv_9a41c2d07e5b1f38"},"requestId":"req_77ab21"}
            """),
        ["v1/chat/completions"] = ("""
            {"model":"knowledgeplatform","messages":[{"role":"user","content":"How long is the warranty on the Sweep S2?"}],"stream":false,"kb":"customer-service"}
            """, """
            {"id":"chatcmpl-1f0c","object":"chat.completion","created":1764460800,"model":"extractive",
             "choices":[{"index":0,"message":{"role":"assistant","content":"The Sweep S2 has a 2-year limited warranty from the delivery date. [1]"},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":9,"completion_tokens":13,"total_tokens":22},
             "citations":[{"number":1,"chunk_id":"chk_41d9","document_id":"doc_0b7e","document_title":"Warranty policy","file_name":"warranty-policy.md","location":"Warranty policy > Coverage","quote":"The Sweep S2 has a 2-year limited warranty from the delivery date.","score":0.81}],
             "answer_status":"answered"}
            """),
        ["api/v1/feedback"] = ("""{"rating":"down","conversationId":"conv_1a2b","comment":"The answer did not mention holiday returns."}""", null),
        ["api/v1/handoffs"] = ("""{"conversationId":"conv_1a2b","contact":"sam@example.com","message":"Please call me about my return."}""", null),
    };

    public static Task Transform(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var method = context.Description.HttpMethod ?? "";
        if (!method.Equals("POST", StringComparison.OrdinalIgnoreCase) && !method.Equals("PATCH", StringComparison.OrdinalIgnoreCase)) return Task.CompletedTask;
        // Every write may be sent again safely with the same Idempotency-Key.
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = "Idempotency-Key", In = ParameterLocation.Header, Required = false,
            Description = "Replays the stored response when the same key and request come again (24 h); another request with the key gets 422.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 255 },
        });
        if (!Examples.TryGetValue(context.Description.RelativePath ?? "", out var example)) return Task.CompletedTask;
        if (operation.RequestBody?.Content?.TryGetValue("application/json", out var request) == true)
            request.Example = JsonNode.Parse(example.Request);
        if (example.Response is { } response && operation.Responses?.TryGetValue("200", out var ok) == true && ok.Content?.TryGetValue("application/json", out var media) == true)
            media.Example = JsonNode.Parse(response);
        return Task.CompletedTask;
    }
}
