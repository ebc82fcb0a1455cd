from django.urls import path

from metrics import views

app_name = "metrics"

urlpatterns = [
    path("metrics/", views.index, name="index"),
    path("metrics/surveys/", views.survey_list, name="survey_list"),
    path("metrics/surveys/<slug:slug>/", views.survey_detail, name="survey_detail"),
    path("metrics/surveys/<slug:slug>/rounds/<int:number>/", views.survey_round_detail, name="survey_round_detail"),
    path("metrics/surveys/<slug:slug>/import/", views.survey_rounds_upload, name="survey_rounds_upload"),
    path(
        "metrics/surveys/<slug:slug>/import/template.csv", views.survey_rounds_template, name="survey_rounds_template"
    ),
    path("metrics/indicators/", views.indicator_list, name="indicator_list"),
    path("metrics/indicators/<slug:slug>/", views.indicator_detail, name="indicator_detail"),
    path("metrics/coverage/", views.coverage_view, name="coverage"),
    path("metrics/take-up/", views.take_up, name="take_up"),
    path("metrics/needs/", views.needs, name="needs"),
    path("metrics/needs/csv/", views.needs_csv, name="needs_csv"),
    path("reports/highlights/", views.highlights, name="highlights"),
    path("reports/highlights/csv/", views.highlights_csv, name="highlights_csv"),
]
