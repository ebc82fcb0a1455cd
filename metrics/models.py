"""Survey results and headline indicators: the figures that show what difference support makes."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from lga_portal import dates
from lga_portal.dates import DatePrecision
from lga_portal.models import TimeStampedModel
from offers.models import Offer, Source, Theme

PERCENT_OUT_OF_RANGE = "A percentage must be between 0 and 100."
MEASURE_FROM_OTHER_SURVEY = "This measure belongs to another survey."


class Survey(TimeStampedModel):
    """A repeated survey, such as the LGA's resident-satisfaction polling."""

    name = models.CharField(max_length=200, unique=True, help_text="The survey's name.")
    slug = models.SlugField(
        max_length=120, unique=True, help_text="Identifier used in URLs, e.g. /metrics/surveys/resident-satisfaction/."
    )
    description = models.TextField(blank=True, help_text="What the survey asks, of whom, and how often.")
    source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="surveys",
        help_text="Where the published results come from.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("metrics:survey_detail", args=[self.slug])


class SurveyRound(TimeStampedModel):
    """One wave of fieldwork of a survey."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="rounds", help_text="The survey this round belongs to."
    )
    number = models.PositiveIntegerField(help_text="The round's number in the series, e.g. 27.")
    label = models.CharField(max_length=40, help_text='Short label as published, e.g. "Oct-20".')
    period = models.DateField(help_text="First day of the month the fieldwork took place in.")
    fieldwork_start = models.DateField(null=True, blank=True, help_text="First day of fieldwork, if known.")
    fieldwork_end = models.DateField(null=True, blank=True, help_text="Last day of fieldwork, if known.")
    sample_size = models.PositiveIntegerField(
        null=True, blank=True, help_text="Number of respondents, if known; needed for margins of error."
    )
    source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="survey_rounds",
        help_text="The document the round's figures come from.",
    )

    class Meta:
        ordering = ["survey", "number"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="survey_round_unique_number"),
            models.CheckConstraint(
                condition=Q(fieldwork_start__isnull=True)
                | Q(fieldwork_end__isnull=True)
                | Q(fieldwork_end__gte=models.F("fieldwork_start")),
                name="survey_round_fieldwork_order",
            ),
        ]
        indexes = [models.Index(fields=["period"], name="survey_round_period_idx")]

    def __str__(self) -> str:
        return f"{self.survey} round {self.number} ({self.label})"


class Measure(models.Model):
    """A question whose share of positive answers is tracked across rounds."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="measures", help_text="The survey that asks it."
    )
    name = models.CharField(max_length=200, help_text='The measure as published, e.g. "Trusts the council".')
    slug = models.SlugField(max_length=120, help_text="Identifier used in URLs and filters.")
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in tables; lower first.")

    class Meta:
        ordering = ["survey", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["survey", "slug"], name="measure_unique_slug_per_survey")]

    def __str__(self) -> str:
        return self.name


class Result(models.Model):
    """The percentage of positive answers to one measure in one round."""

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="results", help_text="The round.")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="results", help_text="The measure.")
    percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal(0), PERCENT_OUT_OF_RANGE),
            MaxValueValidator(Decimal(100), PERCENT_OUT_OF_RANGE),
        ],
        help_text="Percentage of respondents answering positively (0–100).",
    )

    class Meta:
        ordering = ["round__number", "measure__order"]
        constraints = [
            models.UniqueConstraint(fields=["round", "measure"], name="result_one_per_round_and_measure"),
            models.CheckConstraint(condition=Q(percent__gte=0) & Q(percent__lte=100), name="result_percent_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.measure}: {self.percent}% (round {self.round.number})"

    def clean(self) -> None:
        if self.round_id and self.measure_id and self.round.survey_id != self.measure.survey_id:
            raise ValidationError({"measure": MEASURE_FROM_OTHER_SURVEY})


class IndicatorUnit(models.TextChoices):
    COUNCILS = "councils", "councils"
    PEOPLE = "people", "people"
    COUNT = "count", "count"
    HOURS = "hours", "hours"
    PAGE_VIEWS = "page_views", "page views"
    DOWNLOADS = "downloads", "downloads"
    VIEWS = "views", "views"
    ATTENDEES = "attendees", "attendees"
    PERCENT = "percent", "per cent"
    POUNDS = "pounds", "pounds"
    APPLICATIONS = "applications", "applications"
    EXAMPLES = "examples", "examples"
    MEETINGS = "meetings", "meetings"
    MEMBERS = "members", "members"


class IndicatorMeasure(models.TextChoices):
    CUMULATIVE = "cumulative", "Running total"
    PERIOD = "period", "Figure for a period"
    SNAPSHOT = "snapshot", "Level at a date"


class IndicatorQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related("theme", "offer").prefetch_related("observations__source")


class Indicator(TimeStampedModel):
    """A headline figure tracked over time, such as councils supported by finance advisers."""

    name = models.CharField(max_length=200, help_text="What is counted, in a few words.")
    slug = models.SlugField(max_length=120, unique=True, help_text="Identifier used in URLs and filters.")
    description = models.TextField(blank=True, help_text="What exactly is counted.")
    unit = models.CharField(max_length=20, choices=IndicatorUnit.choices, help_text="The unit of the values.")
    measure = models.CharField(
        max_length=12,
        choices=IndicatorMeasure.choices,
        default=IndicatorMeasure.CUMULATIVE,
        help_text="Whether values are running totals, per-period figures or levels.",
    )
    theme = models.ForeignKey(
        Theme,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicators",
        help_text="The theme the indicator reports on.",
    )
    offer = models.ForeignKey(
        Offer,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicators",
        help_text="The offer it measures, if one.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Position within its theme; lower first.")

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["theme__order", "order", "name"]

    def __str__(self) -> str:
        return self.name


class ObservationQuerySet(models.QuerySet):
    def between(self, start, end):
        return self.filter(date__gte=start, date__lte=end)


class Observation(TimeStampedModel):
    """One value of an indicator, dated, with the document it comes from."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="observations", help_text="The indicator observed."
    )
    date = models.DateField(help_text="The date the figure refers to (end of its period).")
    period_start = models.DateField(null=True, blank=True, help_text="Start of the period, for figures that cover one.")
    date_precision = models.CharField(
        max_length=10,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text="How exactly the document dates the figure: to the day, the month, or only by the period it "
        "covers (a figure the report gives without a date).",
    )
    value = models.DecimalField(max_digits=14, decimal_places=2, help_text="The figure.")
    qualifier = models.CharField(
        max_length=40, blank=True, help_text='The published hedge, e.g. "over", "nearly", "299–430".'
    )
    note = models.TextField(blank=True, help_text="The sentence the figure was published in.")
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="observations", help_text="The document the figure comes from."
    )

    objects = ObservationQuerySet.as_manager()

    class Meta:
        ordering = ["indicator", "date"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "date"], name="observation_one_per_indicator_and_date"),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True) | Q(period_start__lte=models.F("date")),
                name="observation_period_order",
            ),
        ]
        indexes = [models.Index(fields=["date"], name="observation_date_idx")]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} on {self.date}"

    @property
    def when(self) -> str:
        """When the figure applies, no more exactly than its document says: "15 July 2020",
        "June 2020", "April to September 2020", or "March to September 2020" for a figure the
        report gives without a date (the period the report covers)."""
        return dates.format_span(self.period_start, self.date, self.date_precision, period=self.source.period)
