using System.Net;
using Bunit;
using KnowledgePlatform.Server.Api;
using KnowledgePlatform.Server.Portal.Components;
using KnowledgePlatform.Server.Portal.Pages;
using Plotly.Blazor;
using Plotly.Blazor.Traces;
using Xunit;

namespace KnowledgePlatform.Portal.Tests;

public sealed class DashboardChartsTests : PortalComponentContext
{
    private static readonly DateOnly Monday = new(2026, 11, 23);

    private static DashboardDto Data(IReadOnlyDictionary<string, int> byStatus, params DayActivity[] days) =>
        new(1, byStatus, days.Sum(d => d.Answered + d.NotFound), days.Sum(d => d.Answered), days.Sum(d => d.NotFound), days, []);

    [Fact]
    public void Questions_per_day_become_an_answered_and_a_not_found_series_over_the_same_days()
    {
        var traces = DashboardCharts.Activity([new(Monday, 3, 1), new(Monday.AddDays(1), 0, 2)]);

        var bars = traces.Cast<Bar>().ToList();
        Assert.Equal(["answered", "not found"], bars.Select(b => b.Name));
        Assert.All(bars, b => Assert.Equal(["Nov 23", "Nov 24"], b.X));
        Assert.Equal([3, 0], bars[0].Y);
        Assert.Equal([1, 2], bars[1].Y);
        Assert.Equal([DashboardCharts.Answered, DashboardCharts.NotFound], bars.Select(b => b.Marker.Color));
    }

    [Fact]
    public void Documents_by_status_become_a_donut_in_pipeline_order_without_empty_statuses()
    {
        var pie = Assert.IsType<Pie>(Assert.Single(DashboardCharts.DocumentStatus(
            new Dictionary<string, int> { ["failed"] = 1, ["ready"] = 5, ["archived"] = 2, ["queued"] = 0, ["processing"] = 3 })));

        Assert.Equal(["processing", "ready", "failed", "archived"], pie.Labels);
        Assert.Equal([3, 5, 1, 2], pie.Values);
        Assert.Equal(["#2563eb", DashboardCharts.Answered, DashboardCharts.Unhelpful, "#64748b"], pie.Marker.Colors);
        Assert.True(pie.Hole > 0);
    }

    [Fact]
    public void Each_chart_summarises_its_figures_in_a_sentence()
    {
        Assert.Equal("Questions per day over the last 2 days: 3 answered and 3 not found. Busiest day: Nov 23 with 4 questions.",
            DashboardCharts.ActivitySummary([new(Monday, 3, 1), new(Monday.AddDays(1), 0, 2)]));
        Assert.Equal("Questions per day over the last 7 days: 0 answered and 0 not found.",
            DashboardCharts.ActivitySummary(Enumerable.Range(0, 7).Select(i => new DayActivity(Monday.AddDays(i), 0, 0)).ToList()));
        Assert.Equal("Documents by status: 1 queued, 4 ready.", DashboardCharts.StatusSummary(new Dictionary<string, int> { ["ready"] = 4, ["queued"] = 1 }));
        Assert.Equal("Visitor feedback: 5 helpful and 1 not helpful.", DashboardCharts.FeedbackSummary(5, 1));
    }

    [Fact]
    public void Small_counts_tick_in_whole_numbers_and_large_ones_are_left_to_plotly()
    {
        Assert.Equal(1, DashboardCharts.ActivityLayout([new(Monday, 1, 1)]).YAxis[0].DTick);
        Assert.Null(DashboardCharts.ActivityLayout([new(Monday, 40, 12)]).YAxis[0].DTick);
        Assert.Equal(1, DashboardCharts.FeedbackLayout(2, 1).XAxis[0].DTick);
    }

    [Fact]
    public void Charts_have_no_mode_bar_or_logo_and_follow_their_container()
    {
        var config = DashboardCharts.Config();
        Assert.Equal((true, Plotly.Blazor.ConfigLib.DisplayModeBarEnum.False, false), (config.Responsive, config.DisplayModeBar, config.DisplayLogo));
    }

    [Fact]
    public void The_dashboard_draws_both_charts_with_the_basic_plotly_bundle_and_their_numbers_as_tables()
    {
        Api.Respond = _ => FakeApi.Json(HttpStatusCode.OK, Data(new Dictionary<string, int> { ["ready"] = 2 }, new(Monday, 1, 0), new(Monday.AddDays(1), 2, 3)));

        var cut = Render<Dashboard>();

        cut.WaitForElement("[data-testid=activity-chart]");
        var charts = cut.FindComponents<PlotlyChart>();
        Assert.Equal(2, charts.Count);
        Assert.All(charts, c => Assert.True(c.Instance.UseBasicVersion));
        Assert.Equal("Questions per day over the last 2 days: 3 answered and 3 not found. Busiest day: Nov 24 with 5 questions.",
            cut.Find("[data-testid=activity-chart] [role=img]").GetAttribute("aria-label"));
        Assert.Equal(["Nov 23 1 0", "Nov 24 2 3"],
            cut.FindAll("[data-testid=activity-chart] tbody tr").Select(r => string.Join(' ', r.Children.Select(c => c.TextContent))));
        Assert.Equal("ready 2", string.Join(' ', cut.Find("[data-testid=status-chart] tbody tr").Children.Select(c => c.TextContent)));
        Assert.Empty(cut.FindAll("[data-testid=feedback-chart]"));
    }

    [Fact]
    public void Visitor_feedback_gets_its_own_small_chart_once_there_is_any()
    {
        Api.Respond = _ => FakeApi.Json(HttpStatusCode.OK, Data(new Dictionary<string, int> { ["ready"] = 1 }, new DayActivity(Monday, 1, 0)) with { Helpful = 4, NotHelpful = 1 });

        var cut = Render<Dashboard>();

        cut.WaitForElement("[data-testid=feedback-chart]");
        Assert.Equal("Visitor feedback: 4 helpful and 1 not helpful.", cut.Find("[data-testid=feedback-chart] [role=img]").GetAttribute("aria-label"));
        var bar = Assert.IsType<Bar>(Assert.Single(cut.FindComponents<PlotlyChart>()[2].Instance.Data));
        Assert.Equal([1, 4], bar.X);
    }

    [Fact]
    public void Without_questions_or_documents_the_dashboard_says_what_to_do_instead_of_drawing_empty_charts()
    {
        Api.Respond = _ => FakeApi.Json(HttpStatusCode.OK, Data(new Dictionary<string, int>(), new(Monday, 0, 0), new(Monday.AddDays(1), 0, 0)));

        var cut = Render<Dashboard>();

        cut.WaitForElement("[data-testid=activity-empty]");
        Assert.Empty(cut.FindComponents<PlotlyChart>());
        Assert.Equal("/portal/chat", cut.Find("[data-testid=activity-empty] a").GetAttribute("href"));
        Assert.Equal("/portal/knowledge-bases", cut.Find("[data-testid=status-empty] a").GetAttribute("href"));
    }

    [Fact]
    public void Choosing_thirty_days_asks_the_api_for_thirty_days_and_redraws()
    {
        Api.Respond = request => FakeApi.Json(HttpStatusCode.OK, Data(new Dictionary<string, int> { ["ready"] = 1 },
            request.RequestUri!.Query.Contains("days=30", StringComparison.Ordinal) ? [new(Monday, 1, 1), new(Monday.AddDays(1), 0, 0)] : [new(Monday, 1, 0)]));
        var cut = Render<Dashboard>();
        cut.WaitForElement("[data-testid=activity-chart]");

        cut.FindAll("button").Single(b => b.TextContent == "30 days").Click();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=activity-chart] tbody tr").Count));
        Assert.Equal(["/api/v1/dashboard?days=7", "/api/v1/dashboard?days=30"], Api.Requests.Select(r => r.Path));
        Assert.Equal([1, 0], cut.FindComponents<PlotlyChart>()[0].Instance.Data.Cast<Bar>().Last().Y);
    }
}
