using Bunit;
using KnowledgePlatform.Core.Policies;
using KnowledgePlatform.Server.Api;
using KnowledgePlatform.Server.Portal.Components;
using Xunit;

namespace KnowledgePlatform.Portal.Tests;

public sealed class PolicyEditorTests : BunitContext
{
    private static PolicyDto Policy(PolicyOverrides? overrides = null) =>
        new("customer-service-standard", overrides, PolicyTemplates.Find("customer-service-standard")!.Tighten(overrides ?? new()));

    [Fact]
    public void The_current_template_and_overrides_fill_the_form()
    {
        var cut = Render<PolicyEditor>(p => p
            .Add(x => x.Templates, PolicyTemplates.All)
            .Add(x => x.Policy, Policy(new PolicyOverrides(BlockedTopics: ["lottery", "betting"], Disclaimer: "Check with us."))));

        Assert.Equal("customer-service-standard", cut.Find("#pe-template").GetAttribute("value"));
        Assert.Equal("lottery\nbetting", cut.Find("[data-testid=blocked-topics]").GetAttribute("value"));
        Assert.Equal("Check with us.", cut.Find("[data-testid=disclaimer]").GetAttribute("value"));
    }

    [Fact]
    public void Edits_become_the_request_one_item_per_line_and_empty_fields_left_out()
    {
        var cut = Render<PolicyEditor>(p => p.Add(x => x.Templates, PolicyTemplates.All).Add(x => x.Policy, Policy()));

        cut.Find("[data-testid=blocked-topics]").Change(" weapons \n\nlottery\nlottery ");
        cut.Find("[data-testid=disclaimer]").Change("Not medical advice.");
        cut.Find("#pe-template").Change("medical-strict");
        var request = cut.Instance.ToRequest();

        Assert.Equal("medical-strict", request.Template);
        Assert.Equal(["weapons", "lottery"], request.Overrides!.BlockedTopics);
        Assert.Equal("Not medical advice.", request.Overrides.Disclaimer);
        Assert.Null(request.Overrides.Redact);
        Assert.Null(request.Overrides.BlockedTopicAnswer);
    }

    [Fact]
    public void Choosing_no_template_means_the_default_policy()
    {
        var cut = Render<PolicyEditor>(p => p.Add(x => x.Templates, PolicyTemplates.All).Add(x => x.Policy, Policy()));
        cut.Find("#pe-template").Change("");
        Assert.Null(cut.Instance.ToRequest().Template);
    }
}
