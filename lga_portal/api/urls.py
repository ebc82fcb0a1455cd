"""The API's addresses: the REST API at /api/v1/, tokens, and open data at /api/hsds/.

Every viewset is registered here, in the order the API root lists them.
"""

from django.urls import include, path, re_path
from django.views.generic import RedirectView
from rest_framework import permissions, routers

from engagements.api.engagements import EngagementViewSet
from engagements.api.register import AdviserViewSet, CouncilViewSet, RegionViewSet
from engagements.api.stats import TakeUpViewSet
from engagements.api.support_requests import SupportRequestViewSet
from lga_portal.api import token_views
from lga_portal.api.exceptions import json_not_found
from metrics.api.indicators import IndicatorViewSet, ObservationViewSet
from metrics.api.needs import UnmetNeedsViewSet
from metrics.api.stats import CoverageViewSet, SurveyTrendViewSet
from metrics.api.surveys import MeasureViewSet, ResultViewSet, SurveyRoundViewSet, SurveyViewSet
from offers.api import AudienceViewSet, FormatViewSet, OfferViewSet, PublicationViewSet, ThemeViewSet

app_name = "api"


class ApiRootView(routers.APIRootView):
    """The LGA support-offer portal API. Documentation: /api/docs/; OpenAPI schema: /api/schema/."""

    permission_classes = [permissions.AllowAny]


class Router(routers.DefaultRouter):
    APIRootView = ApiRootView
    include_format_suffixes = False  # ?format=csv is the one documented way


router = Router()
router.register("themes", ThemeViewSet, basename="theme")
router.register("offers", OfferViewSet, basename="offer")
router.register("audiences", AudienceViewSet, basename="audience")
router.register("formats", FormatViewSet, basename="format")
router.register("publications", PublicationViewSet, basename="publication")
router.register("regions", RegionViewSet, basename="region")
router.register("councils", CouncilViewSet, basename="council")
router.register("advisers", AdviserViewSet, basename="adviser")
router.register("engagements", EngagementViewSet, basename="engagement")
router.register("support-requests", SupportRequestViewSet, basename="supportrequest")
router.register("surveys", SurveyViewSet, basename="survey")
router.register("rounds", SurveyRoundViewSet, basename="surveyround")
router.register("measures", MeasureViewSet, basename="measure")
router.register("results", ResultViewSet, basename="result")
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("observations", ObservationViewSet, basename="observation")
router.register("stats/coverage", CoverageViewSet, basename="stats-coverage")
router.register("stats/take-up", TakeUpViewSet, basename="stats-take-up")
router.register("stats/survey-trends", SurveyTrendViewSet, basename="stats-survey-trends")
router.register("stats/unmet-needs", UnmetNeedsViewSet, basename="stats-unmet-needs")

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="api:api-root", permanent=False)),
    path("v1/", include(router.urls)),
    path("tokens/", token_views.token_list, name="token_list"),
    path("tokens/<int:pk>/revoke/", token_views.token_revoke, name="token_revoke"),
    path("hsds/", include("offers.hsds.urls")),
    # Anything else under /api/ is a JSON 404, not the site's HTML page.
    re_path(r"^.*$", json_not_found),
]
