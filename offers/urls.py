"""The catalogue's URL names (offers:…).

The offer page itself, ``offers:offer_detail`` (/offers/<slug>/), is served by the engagements
app, because it shows take-up and leads to the request form; lga_portal/urls.py adds that route
to this namespace, so the catalogue keeps one set of names without importing engagements.
"""

from django.urls import path

from offers import views

app_name = "offers"

urlpatterns = [
    path("offers/", views.offer_list, name="offer_list"),
    path("themes/<slug:slug>/", views.theme_detail, name="theme_detail"),
    path("publications/", views.publication_list, name="publication_list"),
]
