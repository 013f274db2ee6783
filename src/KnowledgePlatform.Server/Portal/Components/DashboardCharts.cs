using System.Globalization;
using KnowledgePlatform.Server.Api;
using Plotly.Blazor;
using Plotly.Blazor.ConfigLib;
using Plotly.Blazor.LayoutLib;
using Plotly.Blazor.Traces;
using ChartLayout = Plotly.Blazor.Layout;

namespace KnowledgePlatform.Server.Portal.Components;

/// <summary>
/// The dashboard's figures as Plotly traces (bars and a donut, both in plotly.js's basic bundle), with the
/// sentence a screen reader hears instead of each picture. Colours are the portal's.
/// </summary>
public static class DashboardCharts
{
    public const string Answered = "#16a34a";
    public const string NotFound = "#f59e0b";
    public const string Unhelpful = "#dc2626";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Document statuses in pipeline order, each with its colour; a status the portal does not know yet goes last, in grey.</summary>
    private static readonly (string Status, string Colour)[] Statuses =
        [("queued", "#94a3b8"), ("processing", "#2563eb"), ("ready", Answered), ("failed", Unhelpful)];

    /// <summary>No mode bar, no logo, no zooming a dashboard figure by accident; redrawn when its container resizes.</summary>
    public static Config Config() => new() { Responsive = true, DisplayModeBar = DisplayModeBarEnum.False, DisplayLogo = false };

    public static string DayLabel(DateOnly day) => day.ToString("MMM d", Invariant);

    /// <summary>Questions per day as two stacked bar series: answered, then not found.</summary>
    public static IList<ITrace> Activity(IReadOnlyList<DayActivity> days)
    {
        var labels = days.Select(d => (object)DayLabel(d.Day)).ToList();
        return
        [
            DaySeries("answered", Answered, labels, days.Select(d => d.Answered)),
            DaySeries("not found", NotFound, labels, days.Select(d => d.NotFound)),
        ];
    }

    private static Bar DaySeries(string name, string colour, IList<object> labels, IEnumerable<int> values) => new()
    {
        Name = name,
        X = labels,
        Y = values.Cast<object>().ToList(),
        Marker = new() { Color = colour },
        HoverTemplate = "%{x}: %{y} " + name + "<extra></extra>",
    };

    /// <summary>Whole-number ticks: a step of one for small counts (plotly would otherwise tick 0, 0.5, 1 and round them to 0, 1, 1).</summary>
    public static object? CountStep(int max) => max <= 5 ? 1 : null;

    public static ChartLayout ActivityLayout(IReadOnlyList<DayActivity> days) => Frame(new ChartLayout
    {
        BarMode = BarModeEnum.Stack,
        Height = 260,
        ShowLegend = true,
        Legend = [new() { Orientation = Plotly.Blazor.LayoutLib.LegendLib.OrientationEnum.H, X = 0, Y = 1.15m }],
        XAxis = [new() { Type = Plotly.Blazor.LayoutLib.XAxisLib.TypeEnum.Category, FixedRange = true }],
        YAxis = [new()
        {
            RangeMode = Plotly.Blazor.LayoutLib.YAxisLib.RangeModeEnum.ToZero, TickFormat = "d", FixedRange = true, GridColor = "#e2e8f0",
            DTick = CountStep(days.Select(d => d.Answered + d.NotFound).DefaultIfEmpty(0).Max()),
        }],
    });

    public static string ActivitySummary(IReadOnlyList<DayActivity> days)
    {
        var answered = days.Sum(d => d.Answered);
        var notFound = days.Sum(d => d.NotFound);
        var busiest = days.MaxBy(d => d.Answered + d.NotFound);
        var text = $"Questions per day over the last {days.Count} days: {answered} answered and {notFound} not found.";
        return busiest is null || busiest.Answered + busiest.NotFound == 0
            ? text
            : $"{text} Busiest day: {DayLabel(busiest.Day)} with {busiest.Answered + busiest.NotFound} questions.";
    }

    /// <summary>Documents by status, in pipeline order.</summary>
    public static IReadOnlyList<KeyValuePair<string, int>> OrderedStatuses(IReadOnlyDictionary<string, int> byStatus) =>
        byStatus.Where(s => s.Value > 0)
            .OrderBy(s => Rank(s.Key))
            .ThenBy(s => s.Key, StringComparer.Ordinal)
            .ToList();

    /// <summary>A donut of documents by status.</summary>
    public static IList<ITrace> DocumentStatus(IReadOnlyDictionary<string, int> byStatus)
    {
        var ordered = OrderedStatuses(byStatus);
        return
        [
            new Pie
            {
                Name = "documents",
                Labels = ordered.Select(s => (object)s.Key).ToList(),
                Values = ordered.Select(s => (object)s.Value).ToList(),
                Marker = new() { Colors = ordered.Select(s => (object)StatusColour(s.Key)).ToList() },
                Hole = 0.55m,
                Sort = false,
                HoverTemplate = "%{label}: %{value} documents<extra></extra>",
            },
        ];
    }

    private static int Rank(string status)
    {
        var i = Array.FindIndex(Statuses, s => s.Status == status);
        return i < 0 ? Statuses.Length : i;
    }

    public static string StatusColour(string status) =>
        Statuses.FirstOrDefault(s => s.Status == status).Colour ?? "#64748b";

    public static ChartLayout StatusLayout() => Frame(new ChartLayout { Height = 220, ShowLegend = true });

    public static string StatusSummary(IReadOnlyDictionary<string, int> byStatus) =>
        $"Documents by status: {string.Join(", ", OrderedStatuses(byStatus).Select(s => $"{s.Value} {s.Key}"))}.";

    /// <summary>Visitors' thumbs up and down as two horizontal bars.</summary>
    public static IList<ITrace> Feedback(int helpful, int notHelpful) =>
    [
        new Bar
        {
            Name = "feedback",
            Orientation = Plotly.Blazor.Traces.BarLib.OrientationEnum.H,
            Y = ["not helpful", "helpful"],
            X = [notHelpful, helpful],
            Marker = new() { Color = new List<object> { Unhelpful, Answered } },
            HoverTemplate = "%{y}: %{x}<extra></extra>",
        },
    ];

    public static ChartLayout FeedbackLayout(int helpful, int notHelpful) => Frame(new ChartLayout
    {
        Height = 120,
        ShowLegend = false,
        XAxis = [new()
        {
            RangeMode = Plotly.Blazor.LayoutLib.XAxisLib.RangeModeEnum.ToZero, TickFormat = "d", FixedRange = true, GridColor = "#e2e8f0",
            DTick = CountStep(Math.Max(helpful, notHelpful)),
        }],
        YAxis = [new() { FixedRange = true, AutoMargin = Plotly.Blazor.LayoutLib.YAxisLib.AutoMarginFlag.True }],
    });

    public static string FeedbackSummary(int helpful, int notHelpful) =>
        $"Visitor feedback: {helpful} helpful and {notHelpful} not helpful.";

    /// <summary>The portal's look: its font, transparent backgrounds on the white card, tight margins.</summary>
    private static ChartLayout Frame(ChartLayout layout)
    {
        layout.AutoSize = true;
        layout.Font = new() { Family = "system-ui, -apple-system, \"Segoe UI\", Roboto, sans-serif", Size = 12, Color = "#334155" };
        layout.PaperBgColor = "rgba(0,0,0,0)";
        layout.PlotBgColor = "rgba(0,0,0,0)";
        layout.Margin = new() { L = 32, R = 8, T = 24, B = 32, Pad = 2 };
        return layout;
    }
}
