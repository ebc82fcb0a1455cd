from django.urls import path

from engagements import notification_views
from engagements.public import council_views, home, offer_views

app_name = "engagements"

# The offer page: named offers:offer_detail (Offer.get_absolute_url), so lga_portal/urls.py
# adds it to the catalogue's namespace; served from here because it shows take-up.
offer_page_urlpatterns = [
    path("offers/<slug:slug>/", offer_views.offer_detail, name="offer_detail"),
]

urlpatterns = [
    path("", home.home, name="home"),
    path("offers/<slug:slug>/request/", offer_views.offer_request, name="offer_request"),
    path("offers/<slug:slug>/request/sent/<str:token>/", offer_views.offer_request_sent, name="offer_request_sent"),
    path("councils/", council_views.council_list, name="council_list"),
    path("councils/<str:code>/", council_views.council_detail, name="council_detail"),
    # Private addresses from emails and calendar programs: no sign-in, found by their secret.
    path("requests/<str:token>/", notification_views.request_status, name="request_status"),
    path("unsubscribe/<str:token>/", notification_views.unsubscribe, name="unsubscribe"),
    path("calendar/<str:secret>.ics", notification_views.calendar_feed, name="calendar_feed"),
]
