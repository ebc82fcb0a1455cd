"""Metrics pages and the highlights report. Thin: the figures come from the selectors.

Public: the index, surveys and rounds, indicators, take-up, the highlights report (without
council-level detail). Principal advisers and managers: coverage and the councils not
engaged. Signed-in staff roles (see ``can_view_unmet_needs``): unmet needs across the sector. Staff with the permission: the survey rounds upload.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from engagements.models import Council
from engagements.take_up import includes_demo, take_up_by_offer, themes_with_take_up, with_offers
from lga_portal.csv_export import csv_download
from lga_portal.periods import Period, default_period, months_before
from metrics.coverage import coverage_breakdown
from metrics.forms import CoverageForm, NeedsForm, PeriodForm, SurveyOptionsForm, SurveyRoundsUploadForm
from metrics.highlights import highlights_csv_rows, highlights_report
from metrics.indicators import indicator_summary, indicators_by_theme
from metrics.models import Indicator, Observation, Survey
from metrics.needs import unmet_needs
from metrics.permissions import can_import_survey_rounds, can_view_coverage, can_view_unmet_needs
from metrics.selectors import CoverageRow, councils_not_engaged
from metrics.services import SurveyImportRefused, survey_rounds_import
from metrics.survey_import import template_csv
from metrics.surveys import change_tables, survey_table

COUNCILS_PER_PAGE = 50
OFFERS_PER_PAGE = 50


# -- default periods ----------------------------------------------------------------------


def last_six_months(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The six whole calendar months before this one, like the seed reports' half-years."""
    this_month = today.replace(day=1)
    return months_before(this_month, 6), this_month - datetime.timedelta(days=1)


def _crumbs(*trail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    """Breadcrumbs from the home page through Metrics to the current page (last, no link)."""
    return [("Home", "/"), ("Metrics", reverse("metrics:index")), *trail]


def _forbidden(request: HttpRequest, what: str) -> HttpResponse:
    return render(request, "metrics/access_denied.html", {"what": what}, status=403)


# -- index --------------------------------------------------------------------------------


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    surveys = Survey.objects.annotate(round_count=Count("rounds"), latest_round=Max("rounds__number")).order_by("name")
    observations = Observation.objects.aggregate(
        count=Count("id"), indicators=Count("indicator", distinct=True), latest=Max("date")
    )
    return render(
        request,
        "metrics/index.html",
        {
            "surveys": surveys,
            "observations": observations,
            "can_view_coverage": can_view_coverage(request.user),
            "can_view_unmet_needs": can_view_unmet_needs(request.user),
            "breadcrumbs": [("Home", "/"), ("Metrics", None)],
        },
    )


# -- surveys ------------------------------------------------------------------------------


def _survey_not_found(request: HttpRequest, slug: str) -> HttpResponse:
    surveys = Survey.objects.order_by("name")
    return render(request, "metrics/survey_not_found.html", {"slug": slug, "surveys": surveys}, status=404)


@require_GET
def survey_list(request: HttpRequest) -> HttpResponse:
    surveys = Survey.objects.annotate(round_count=Count("rounds"), latest_round=Max("rounds__number")).order_by("name")
    return render(request, "metrics/survey_list.html", {"surveys": surveys, "breadcrumbs": _crumbs(("Surveys", None))})


@require_GET
def survey_detail(request: HttpRequest, slug: str) -> HttpResponse:
    survey = Survey.objects.select_related("source").filter(slug=slug).first()
    if survey is None:
        return _survey_not_found(request, slug)
    rounds = list(survey.rounds.order_by("number"))
    measures = list(survey.measures.order_by("order", "name"))
    form = SurveyOptionsForm(request.GET or None, rounds=rounds, measures=measures)
    baseline = None
    measure_slug = ""
    if form.is_bound and form.is_valid():
        number = form.cleaned_data.get("baseline")
        baseline = next((r for r in rounds if r.number == number), None)
        measure_slug = form.cleaned_data.get("measure") or ""
    table = survey_table(survey, baseline=baseline)
    rows = [row for row in table.rows if not measure_slug or row.measure.slug == measure_slug]
    return render(
        request,
        "metrics/survey_detail.html",
        {
            "survey": survey,
            "table": table,
            "rows": rows,
            "change_tables": change_tables(table, rows),
            "form": form,
            "can_import": can_import_survey_rounds(request.user),
            "breadcrumbs": _crumbs(("Surveys", reverse("metrics:survey_list")), (survey.name, None)),
        },
    )


@require_GET
def survey_round_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    survey = Survey.objects.filter(slug=slug).first()
    if survey is None:
        return _survey_not_found(request, slug)
    table = survey_table(survey)
    index = next((i for i, r in enumerate(table.rounds) if r.number == number), None)
    if index is None:
        return render(
            request,
            "metrics/surveyround_not_found.html",
            {"survey": survey, "number": number, "table": table},
            status=404,
        )
    round_ = table.rounds[index]
    return render(
        request,
        "metrics/surveyround_detail.html",
        {
            "survey": survey,
            "round": round_,
            "figures": table.round_figures(round_),
            "previous_round": table.rounds[index - 1] if index else None,
            "next_round": table.rounds[index + 1] if index + 1 < len(table.rounds) else None,
            "breadcrumbs": _crumbs(
                ("Surveys", reverse("metrics:survey_list")),
                (survey.name, survey.get_absolute_url()),
                (f"Round {round_.number}", None),
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def survey_rounds_upload(request: HttpRequest, slug: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_import_survey_rounds(request.user):
        return _forbidden(request, "upload survey results")
    survey = Survey.objects.filter(slug=slug).first()
    if survey is None:
        return _survey_not_found(request, slug)
    form = SurveyRoundsUploadForm(request.POST, request.FILES) if request.method == "POST" else SurveyRoundsUploadForm()
    if request.method == "POST" and form.is_valid():
        try:
            rounds = survey_rounds_import(
                survey=survey, content=form.cleaned_data["file"].read(), source=form.cleaned_data["source"]
            )
        except SurveyImportRefused as refused:
            for error in refused.errors:
                form.add_error("file", error)
        except ValidationError as invalid:
            for error in invalid.messages:
                form.add_error("file", error)
        else:
            numbers = ", ".join(str(r.number) for r in rounds)
            messages.success(request, f"Imported {len(rounds)} round(s) of {survey.name}: {numbers}.")
            return redirect(survey.get_absolute_url())
    measures = list(survey.measures.order_by("order", "name"))
    breadcrumbs = _crumbs(
        ("Surveys", reverse("metrics:survey_list")), (survey.name, survey.get_absolute_url()), ("Upload rounds", None)
    )
    return render(
        request,
        "metrics/survey_import.html",
        {"survey": survey, "form": form, "measures": measures, "breadcrumbs": breadcrumbs},
    )


@require_GET
def survey_rounds_template(request: HttpRequest, slug: str) -> HttpResponse:
    survey = get_object_or_404(Survey, slug=slug)
    response = HttpResponse(template_csv(survey), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{survey.slug}-rounds.csv"'
    return response


# -- indicators ---------------------------------------------------------------------------


@require_GET
def indicator_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "metrics/indicator_list.html",
        {"groups": indicators_by_theme(), "breadcrumbs": _crumbs(("Headline indicators", None))},
    )


@require_GET
def indicator_detail(request: HttpRequest, slug: str) -> HttpResponse:
    indicator = get_object_or_404(Indicator.objects.select_related("theme", "offer"), slug=slug)
    breadcrumbs = _crumbs(("Headline indicators", reverse("metrics:indicator_list")), (indicator.name, None))
    return render(
        request,
        "metrics/indicator_detail.html",
        {"summary": indicator_summary(indicator), "breadcrumbs": breadcrumbs},
    )


# -- coverage and take-up -----------------------------------------------------------------


@require_GET
def coverage_view(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_view_coverage(request.user):
        return _forbidden(request, "see engagement coverage")
    default_start, default_end = default_period(timezone.localdate())
    form = CoverageForm(request.GET, default_start=default_start, default_end=default_end)
    context = {"form": form, "breadcrumbs": _crumbs(("Engagement coverage", None))}
    if form.is_valid():
        start, end = form.start, form.end
        period, by = form.cleaned_data["period"], form.cleaned_data["by"] or None
        breakdown = coverage_breakdown(start, end, period=period, by=by)
        existing = Council.objects.existing_during(start, end).count()
        page = Paginator(councils_not_engaged(start, end).order_by("name"), COUNCILS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        engaged = existing - page.paginator.count
        context.update(
            start=start,
            end=end,
            period=period,
            show_dates=period == "quarter",
            by=by,
            by_label=dict(form.fields["by"].choices).get(by or "", ""),
            overall=breakdown.overall,
            groups=breakdown.groups,
            matrix=breakdown.matrix,
            whole_period=CoverageRow(Period(start, end, "Whole period"), None, "All councils", engaged, existing),
            not_engaged_page=page,
        )
    return render(request, "metrics/coverage.html", context)


@require_GET
def take_up(request: HttpRequest) -> HttpResponse:
    default_start, default_end = default_period(timezone.localdate())
    form = PeriodForm(request.GET, default_start=default_start, default_end=default_end)
    context = {"form": form, "breadcrumbs": _crumbs(("Take-up of offers", None))}
    if form.is_valid():
        themes = themes_with_take_up(form.start, form.end)
        # Only the page's offers are read, however many offers were taken up.
        offers = Paginator(take_up_by_offer(form.start, form.end), OFFERS_PER_PAGE).get_page(request.GET.get("page"))
        offers.object_list = with_offers(offers.object_list)
        context.update(
            start=form.start,
            end=form.end,
            themes=themes,
            offers_page=offers,
            includes_demo=includes_demo(form.start, form.end),
        )
    return render(request, "metrics/take_up.html", context)


# -- unmet needs --------------------------------------------------------------------------


def _needs_form(request: HttpRequest) -> NeedsForm:
    default_start, default_end = default_period(timezone.localdate())
    return NeedsForm(request.GET, default_start=default_start, default_end=default_end)


def _needs_csv_rows(needs):
    yield ["theme", "theme_name", "group", "group_label", "councils_raised", "councils_unmet", "from", "to"]
    for figure in needs.rows():
        yield [
            figure.theme.slug,
            figure.theme.name,
            figure.group or "",
            figure.group_label,
            figure.raised,
            figure.unmet,
            needs.start.isoformat(),
            needs.end.isoformat(),
        ]


@require_GET
def needs(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_view_unmet_needs(request.user):
        return _forbidden(request, "see unmet needs across the sector")
    form = _needs_form(request)
    context = {"form": form, "breadcrumbs": _crumbs(("Unmet needs", None))}
    if form.is_valid():
        by = form.cleaned_data["by"] or None
        context.update(
            needs=unmet_needs(form.start, form.end, by=by),
            by_label=dict(form.fields["by"].choices).get(by or "", ""),
            group_chart_title=f"Unmet needs, by {dict(form.fields['by'].choices).get(by or '', '').lower()}",
        )
    return render(request, "metrics/needs.html", context)


@require_GET
def needs_csv(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_view_unmet_needs(request.user):
        return _forbidden(request, "see unmet needs across the sector")
    form = _needs_form(request)
    if not form.is_valid():
        problems = [error for errors in form.errors.values() for error in errors]
        return HttpResponse("\n".join(problems) + "\n", status=400, content_type="text/plain; charset=utf-8")
    result = unmet_needs(form.start, form.end, by=form.cleaned_data["by"] or None)
    filename = f"lga-unmet-needs-{form.start.isoformat()}-to-{form.end.isoformat()}.csv"
    return csv_download(_needs_csv_rows(result), filename)


# -- highlights report --------------------------------------------------------------------


def _report_form(request: HttpRequest) -> PeriodForm:
    default_start, default_end = last_six_months(timezone.localdate())
    return PeriodForm(request.GET, default_start=default_start, default_end=default_end)


@require_GET
def highlights(request: HttpRequest) -> HttpResponse:
    form = _report_form(request)
    context = {
        "form": form,
        "include_councils": can_view_coverage(request.user),
        "login_url": settings.LOGIN_URL,
        "breadcrumbs": [("Home", "/"), ("Highlights report", None)],
    }
    if form.is_valid():
        context["report"] = highlights_report(form.start, form.end, include_councils=context["include_councils"])
    return render(request, "metrics/highlights_report.html", context)


@require_GET
def highlights_csv(request: HttpRequest) -> HttpResponse:
    form = _report_form(request)
    if not form.is_valid():
        problems = [error for errors in form.errors.values() for error in errors]
        return HttpResponse("\n".join(problems) + "\n", status=400, content_type="text/plain; charset=utf-8")
    report = highlights_report(form.start, form.end, include_councils=can_view_coverage(request.user))
    filename = f"lga-highlights-{form.start.isoformat()}-to-{form.end.isoformat()}.csv"
    return csv_download(highlights_csv_rows(report), filename)
