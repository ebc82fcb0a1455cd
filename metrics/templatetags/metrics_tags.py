"""Template tags for the metrics pages: ``{% load metrics_tags %}``.

Chart tags turn what the selectors return into chart geometry (``metrics.charts``) and draw
it with the includes in ``templates/metrics/includes/``; filters write figures the way
``metrics.formatting`` does.
"""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch

from metrics import charts, formatting

register = template.Library()


# -- figures ------------------------------------------------------------------------------


@register.filter
def number(value):
    return formatting.format_number(value)


@register.filter
def percent(value):
    return formatting.format_percent(value)


@register.filter
def signed(value, suffix=""):
    """+12, −7, 0 (a true minus sign)."""
    return formatting.format_signed(value, suffix)


@register.filter
def change_words(value, unit="percentage points"):
    return formatting.change_words(value, unit)


@register.filter
def long_date(day):
    return formatting.format_date(day)


@register.filter
def span(start, end):
    """When a figure applies: "June 2020", "1 April to 30 September 2020" or one day."""
    return formatting.format_span(start, end)


@register.filter
def get_item(mapping, key):
    """``mapping[key]``, or "" when it is missing."""
    return mapping.get(key, "")


@register.filter
def observation_value(observation):
    """An indicator figure as published: "over 45 councils"."""
    if observation is None:
        return ""
    return formatting.indicator_value(observation.value, observation.indicator.unit, observation.qualifier)


@register.filter
def indicator_change(change, unit):
    return formatting.indicator_change(change, unit)


@register.filter
def url_or_empty(obj):
    """``obj.get_absolute_url()``, or "" while the page it points to is not built yet."""
    try:
        return obj.get_absolute_url()
    except (NoReverseMatch, AttributeError):
        return ""


# -- charts -------------------------------------------------------------------------------


@register.inclusion_tag("metrics/includes/line_chart.html")
def survey_measure_chart(row, chart_id):
    """A measure's percentage across rounds, on a 0–100 axis."""
    chart = charts.line_chart(
        row.points,
        chart_id=chart_id,
        title=f"{row.measure.name}: percentage answering positively, by round",
        value_format=formatting.format_percent,
        change_unit="percentage points",
        y_max=100,
        width=420,
        height=240,
    )
    return {"chart": chart}


@register.inclusion_tag("metrics/includes/line_chart.html")
def coverage_chart(rows, chart_id, title, small=False):
    """Share of councils engaged per period (rows: CoverageRow of one group), on a 0–100 axis."""
    points = [charts.DataPoint(row.period.label, row.percent) for row in rows]
    chart = charts.line_chart(
        points,
        chart_id=chart_id,
        title=title,
        value_format=formatting.format_percent,
        change_unit="percentage points",
        y_max=100,
        width=420 if small else 640,
        height=240 if small else 300,
        max_x_labels=5 if small else 8,
        max_value_labels=5 if small else 8,
    )
    return {"chart": chart}


def _observation_points(observations):
    return [
        charts.DataPoint(formatting.format_short_date(o.date), o.value, position=o.date.toordinal())
        for o in observations
    ]


def _unit_format(indicator):
    if indicator.unit == "percent":
        return formatting.format_percent
    if indicator.unit == "pounds":
        return lambda v: f"£{formatting.format_number(v)}"
    return formatting.format_number


@register.inclusion_tag("metrics/includes/line_chart.html")
def indicator_chart(indicator, observations, chart_id):
    """An indicator's figures over time, spaced by date."""
    chart = charts.line_chart(
        _observation_points(observations),
        chart_id=chart_id,
        title=f"{indicator.name} ({indicator.get_unit_display()}), by date",
        value_format=_unit_format(indicator),
    )
    return {"chart": chart}


@register.inclusion_tag("metrics/includes/sparkline.html")
def indicator_sparkline(indicator, observations, chart_id):
    """A word-sized trend of an indicator; nothing with fewer than two figures."""
    chart = charts.sparkline(
        _observation_points(observations),
        chart_id=chart_id,
        title=f"Trend of {indicator.name}",
        value_format=_unit_format(indicator),
    )
    return {"chart": chart}


@register.inclusion_tag("metrics/includes/bar_chart.html")
def take_up_chart(themes, chart_id, title):
    """Councils taking up each theme's offers: ``themes`` is [(theme, councils, engagements)]."""
    rows = [(theme.name, councils) for theme, councils, _ in themes]
    ranked = sorted((r for r in rows if r[1]), key=lambda r: -r[1])
    if ranked:
        top = "; ".join(f"{name}: {formatting.format_number(n)}" for name, n in ranked[:3])
        description = f"Councils taking up offers, by theme. Most councils: {top}."
    else:
        description = "No council took up an offer in this period."
    chart = charts.bar_chart(
        rows,
        chart_id=chart_id,
        title=title,
        description=description,
        value_format=lambda v: f"{formatting.format_number(v)} councils" if v != 1 else "1 council",
    )
    return {"chart": chart}


@register.inclusion_tag("metrics/includes/bar_chart.html")
def unmet_needs_chart(rows, chart_id, title):
    """Councils with an unmet need, per theme or group: ``rows`` have ``unmet`` and ``raised`` and a
    label (a NeedFigure's theme, or a GroupTotal's label)."""
    bars = [(getattr(row, "label", None) or str(row.theme), row.unmet) for row in rows]
    ranked = sorted((b for b in bars if b[1]), key=lambda b: -b[1])
    if ranked:
        top = "; ".join(f"{name}: {formatting.format_number(n)}" for name, n in ranked[:3])
        description = f"{title}. Most unmet: {top}."
    else:
        description = "No need raised in this period is unmet."
    chart = charts.bar_chart(bars, chart_id=chart_id, title=title, description=description, value_format=_unmet_words)
    return {"chart": chart}


def _unmet_words(value):
    return "1 unmet" if value == 1 else f"{formatting.format_number(value)} unmet"
