from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from metrics.models import Indicator, Measure, Observation, Result, Survey, SurveyRound


class MeasureInline(admin.TabularInline):
    model = Measure
    extra = 0
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "source", "upload_rounds"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MeasureInline]

    @admin.display(description="New rounds")
    def upload_rounds(self, obj):
        """A link to the page that imports rounds from a CSV file, checked in full first."""
        return format_html('<a href="{}">Upload from CSV</a>', reverse("metrics:survey_rounds_upload", args=[obj.slug]))


class ResultInline(admin.TabularInline):
    """Results entered as a grid: one row per measure for the round."""

    model = Result
    extra = 0
    fields = ["measure", "percent"]

    def get_extra(self, request, obj=None, **kwargs):
        # A new round offers one empty row per measure of its survey (or six by default).
        if obj is None:
            return 6
        return max(obj.survey.measures.count() - obj.results.count(), 0)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "measure":
            kwargs["queryset"] = Measure.objects.select_related("survey")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(SurveyRound)
class SurveyRoundAdmin(admin.ModelAdmin):
    list_display = ["survey", "number", "label", "period", "sample_size"]
    list_filter = ["survey"]
    search_fields = ["label", "survey__name"]
    inlines = [ResultInline]


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["name", "survey", "order"]
    list_filter = ["survey"]
    search_fields = ["name"]


@admin.register(Result)
class ResultAdmin(admin.ModelAdmin):
    list_display = ["measure", "round", "percent"]
    list_filter = ["round__survey", "round", "measure"]
    list_select_related = ["measure", "round", "round__survey"]


class ObservationInline(admin.TabularInline):
    model = Observation
    extra = 1
    fields = ["date", "period_start", "qualifier", "value", "source", "note"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "theme", "unit", "measure", "order"]
    list_filter = ["theme", "unit", "measure"]
    list_select_related = ["theme"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["theme", "offer"]
    inlines = [ObservationInline]


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):
    list_display = ["indicator", "date", "qualifier", "value", "source"]
    list_filter = ["source", "indicator__theme"]
    list_select_related = ["indicator", "source"]
    search_fields = ["indicator__name", "note"]
    date_hierarchy = "date"
