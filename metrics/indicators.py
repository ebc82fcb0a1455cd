"""Headline indicators as the indicators page shows them: latest figure, change, trend, source."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from metrics.models import Indicator, Observation
from offers.models import Theme


@dataclass(frozen=True)
class IndicatorSummary:
    indicator: Indicator
    observations: list[Observation]  # oldest first

    @property
    def latest(self) -> Observation | None:
        return self.observations[-1] if self.observations else None

    @property
    def previous(self) -> Observation | None:
        return self.observations[-2] if len(self.observations) > 1 else None

    @property
    def change(self) -> Decimal | None:
        """Change from the previous observation to the latest, in the indicator's unit."""
        if self.latest is None or self.previous is None:
            return None
        return self.latest.value - self.previous.value


@dataclass(frozen=True)
class ThemeIndicators:
    theme: Theme | None
    indicators: list[IndicatorSummary]

    @property
    def name(self) -> str:
        return self.theme.name if self.theme else "Other indicators"

    @property
    def anchor(self) -> str:
        return f"theme-{self.theme.slug}" if self.theme else "theme-other"


def indicators_by_theme() -> list[ThemeIndicators]:
    """Every indicator with its observations, grouped by theme in theme order. Three queries."""
    groups: dict[int | None, ThemeIndicators] = {}
    for indicator in Indicator.objects.with_related().order_by("theme__order", "theme__name", "order", "name"):
        observations = sorted(indicator.observations.all(), key=lambda o: o.date)
        group = groups.setdefault(indicator.theme_id, ThemeIndicators(indicator.theme, []))
        group.indicators.append(IndicatorSummary(indicator, observations))
    # Indicators without a theme go last.
    return sorted(groups.values(), key=lambda g: g.theme is None)


def indicator_summary(indicator: Indicator) -> IndicatorSummary:
    """One indicator with its observations and their sources. One query."""
    return IndicatorSummary(indicator, list(indicator.observations.select_related("source").order_by("date")))
