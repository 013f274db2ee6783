using System.Text.Json;
using KnowledgePlatform.Server.Audit;
using Xunit;

namespace KnowledgePlatform.Portal.Tests;

public sealed class AuditSummaryTests
{
    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Fact]
    public void Actions_are_named_in_words()
    {
        Assert.Equal("Document metadata updated", AuditSummary.Label("document.metadata.updated"));
        Assert.Equal("Knowledge base created", AuditSummary.Label("knowledge_base.created"));
        Assert.Equal("Question answered", AuditSummary.Label("ask"));
        Assert.Equal("API key revoked", AuditSummary.Label("key.revoke"));
    }

    [Fact]
    public void An_answers_status_reads_in_words_whether_stored_as_a_number_or_a_name()
    {
        Assert.Equal("“Is it free?” → insufficient evidence, 2 passages cited",
            AuditSummary.Of("ask", Json("""{"question": "Is it free?", "status": 1, "cited": ["a", "b"]}""")));
        Assert.Equal("“Hack it” → refused by policy", AuditSummary.Of("answer", Json("""{"question": "Hack it", "status": "refused_by_policy"}""")));
        Assert.Equal("“warranty” → 1 hit", AuditSummary.Of("search", Json("""{"query": "warranty", "hits": ["c1"]}""")));
    }

    [Fact]
    public void Other_details_list_their_simple_fields_by_name_and_leave_out_nested_ones()
    {
        Assert.Equal("file name: a.md · version: 2 · groups: wards, icu",
            AuditSummary.Of("document.uploaded", Json("""{"fileName": "a.md", "version": 2, "groups": ["wards", "icu"], "policy": {"x": 1}, "note": null}""")));
        Assert.Equal("", AuditSummary.Of("key.revoke", null));
    }
}
