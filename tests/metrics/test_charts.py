"""SVG chart geometry and the words that describe a chart."""

from decimal import Decimal

from django.template import Context, Template

from metrics.charts import DataPoint, axis_ticks, bar_chart, describe_trend, line_chart, nice_ceiling, sparkline
from metrics.formatting import format_percent

TRUST = [DataPoint("Feb-20", Decimal(59)), DataPoint("Jun-20", Decimal(71)), DataPoint("Oct-20", Decimal(64))]


def test_nice_axis_tops_and_ticks():
    assert nice_ceiling(0.3) == 0.5
    assert nice_ceiling(7) == 10
    assert nice_ceiling(46) == 50
    assert nice_ceiling(222000) == 250000
    assert axis_ticks(100, target=5) == [0, 20, 40, 60, 80, 100]
    assert axis_ticks(46) == [0, 20, 40, 60]
    assert axis_ticks(0) == [0, 1.0]


def test_trend_is_described_step_by_step_in_words():
    text = describe_trend(TRUST, format_percent, "percentage points")
    assert text == (
        "59% in Feb-20, then 71% in Jun-20 (up 12 percentage points), then 64% in Oct-20 (down 7 percentage points)."
        " Highest: 71% in Jun-20. Lowest: 59% in Feb-20."
    )


def test_long_series_is_summarised():
    points = [DataPoint(f"Q{i}", i * 10) for i in range(1, 9)]
    assert describe_trend(points).startswith("From 10 in Q1 to 80 in Q8 (up 70) over 8 figures.")
    assert describe_trend([]) == "No figures yet."
    assert "only one figure" in describe_trend([DataPoint("Q1", 5)])


def test_line_chart_scales_from_zero_to_the_given_top():
    chart = line_chart(TRUST, chart_id="trust", title="Trust", value_format=format_percent, y_max=100)
    assert [t.text for t in chart.y_ticks] == ["0%", "20%", "40%", "60%", "80%", "100%"]
    # 0% sits on the x axis, 100% at the top of the plot area.
    assert chart.y_ticks[0].position == chart.bottom and chart.y_ticks[-1].position == chart.top
    ys = [m.y for m in chart.markers]
    assert ys[1] < ys[2] < ys[0]  # 71 highest on the page, then 64, then 59
    assert [m.text for m in chart.markers] == ["59%", "71%", "64%"]
    assert all(m.show_text for m in chart.markers)
    assert chart.path.startswith("M") and chart.path.count("L") == 2
    assert [label.text for label in chart.x_labels] == ["Feb-20", "Jun-20", "Oct-20"]


def test_a_missing_figure_breaks_the_line():
    points = [DataPoint("a", 1), DataPoint("b", None), DataPoint("c", 3), DataPoint("d", 4)]
    chart = line_chart(points, chart_id="gap", title="Gap")
    assert chart.path.count("M") == 2 and chart.path.count("L") == 1
    assert len(chart.markers) == 3


def test_many_points_thin_the_labels():
    points = [DataPoint(f"P{i}", i) for i in range(40)]
    chart = line_chart(points, chart_id="many", title="Many")
    assert len(chart.x_labels) <= 9
    assert chart.x_labels[0].text == "P0" and chart.x_labels[-1].text == "P39"
    labelled = {m.label for m in chart.markers if m.show_text}
    assert labelled == {"P0", "P39"}  # first and last (also the lowest and highest)


def test_sparkline_needs_two_figures():
    assert sparkline([DataPoint("a", 30)], chart_id="s", title="t") is None
    spark = sparkline([DataPoint("30 Sep 2020", 30), DataPoint("30 Nov 2020", 46)], chart_id="s", title="FISAs")
    assert spark.markers[0].y > spark.markers[1].y  # rising
    assert spark.markers[-1].show_text and not spark.markers[0].show_text
    assert spark.description.startswith("30 in 30 Sep 2020, then 46 in 30 Nov 2020 (up 16).")


def test_bar_chart_lengths_are_proportional():
    chart = bar_chart([("A", 10), ("B", 5), ("C", 0)], chart_id="b", title="t", description="d")
    widths = [bar.width for bar in chart.bars]
    assert widths[0] == 2 * widths[1] and widths[2] == 0
    assert [bar.text for bar in chart.bars] == ["10", "5", "0"]


def test_line_chart_renders_accessible_svg_without_inline_styles():
    template = Template(
        "{% load metrics_tags %}{% for row in rows %}{% survey_measure_chart row 'chart-trust' %}{% endfor %}"
    )

    class Row:
        points = TRUST

        class measure:
            name = "Trusts the council"

    html = template.render(Context({"rows": [Row()]}))
    assert 'role="img"' in html
    assert 'aria-labelledby="chart-trust-title chart-trust-desc"' in html
    assert '<title id="chart-trust-title">Trusts the council: percentage answering positively, by round</title>' in html
    assert "(up 12 percentage points)" in html and "(down 7 percentage points)" in html
    assert "style=" not in html
