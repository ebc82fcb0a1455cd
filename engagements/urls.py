from django.urls import path

from engagements import public_views

app_name = "engagements"

# The offer page: named offers:offer_detail (Offer.get_absolute_url), so lga_portal/urls.py
# adds it to the catalogue's namespace; served from here because it shows take-up.
offer_page_urlpatterns = [
    path("offers/<slug:slug>/", public_views.offer_detail, name="offer_detail"),
]

urlpatterns = [
    path("", public_views.home, name="home"),
    path("offers/<slug:slug>/request/", public_views.offer_request, name="offer_request"),
    path("offers/<slug:slug>/request/sent/<str:token>/", public_views.offer_request_sent, name="offer_request_sent"),
    path("councils/", public_views.council_list, name="council_list"),
    path("councils/<str:code>/", public_views.council_detail, name="council_detail"),
]
