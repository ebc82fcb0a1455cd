"""The catalogue as Open Referral HSDS 3.0 open data, at /api/hsds/.

Each published offer is an HSDS *service* of one *organization*, the Local Government
Association; themes, audiences and formats are three *taxonomies* whose *terms* are attached
to services as *attributes*. Identifiers are stable UUIDs: each offer's, theme's, audience's
and format's own ``uuid``, and for everything else a UUID5 derived from ``HSDS_NAMESPACE``, so
they never change between requests or deployments. Every answer carries
``Access-Control-Allow-Origin: *`` so directory systems can read it from a browser.
"""

from __future__ import annotations

import math
import uuid
from functools import wraps

from django import forms
from django.db.models import Q
from django.http import JsonResponse
from django.urls import path, re_path
from django.views.decorators.http import require_safe

from lga_portal.api.exceptions import error_body, flatten_errors
from lga_portal.api.filters import NULL_CHARACTER, BoundedDateTimeField
from offers.models import Audience, Format, Offer, OfferStatus, Theme

HSDS_VERSION = "3.0"
HSDS_PROFILE = "https://docs.openreferral.org/en/v3.0/"
HSDS_OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"

# Fixed for ever: every derived identifier depends on it.
HSDS_NAMESPACE = uuid.UUID("6f1d3c52-8a0e-4c8e-9a51-1c8b0d6f2a47")
LGA_ORGANIZATION_ID = uuid.uuid5(HSDS_NAMESPACE, "organization:local-government-association")
LGA_ORGANIZATION = {
    "id": str(LGA_ORGANIZATION_ID),
    "name": "Local Government Association",
    "description": "The national membership body for local authorities in England, which runs the "
    "sector-led improvement programme of support for councils.",
    "website": "https://www.local.gov.uk/",
}

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 1000
PAGE_INVALID = "Enter a page number: a whole number from 1."
PER_PAGE_INVALID = f"Enter a whole number from 1 to {MAX_PER_PAGE}."
UUID_INVALID = "Enter an identifier in UUID form."
PAGE_NOT_FOUND = "There is no page {page}: the last page is {last}."

# HSDS service statuses: active, inactive, defunct, temporarily closed.
SERVICE_STATUS = {
    OfferStatus.AVAILABLE: "active",
    OfferStatus.COMING_SOON: "inactive",
    OfferStatus.IN_DEVELOPMENT: "inactive",
    OfferStatus.SUSPENDED: "temporarily closed",
    OfferStatus.CLOSED: "defunct",
}


def derived_id(*parts: object) -> str:
    return str(uuid.uuid5(HSDS_NAMESPACE, ":".join(str(part) for part in parts)))


class Taxonomy:
    """One of the catalogue's reference lists, published as an HSDS taxonomy."""

    def __init__(self, key: str, model, name: str, description: str, api_list: str):
        self.key, self.model, self.name, self.description, self.api_list = key, model, name, description, api_list
        self.id = derived_id("taxonomy", key)

    def as_json(self, request) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "uri": request.build_absolute_uri(self.api_list),
            "version": "1",
        }

    def term_json(self, term, request, detail: bool = False) -> dict:
        data = {
            "id": str(term.uuid),
            "code": term.slug,
            "name": term.name,
            "description": getattr(term, "summary", "") or term.name,
            "taxonomy": self.name,
            "taxonomy_id": self.id,
            "language": "en",
            "term_uri": request.build_absolute_uri(f"{self.api_list}{term.slug}/"),
        }
        if detail:
            data["taxonomy_detail"] = self.as_json(request)
        return data


TAXONOMIES = [
    Taxonomy("themes", Theme, "LGA support themes", "The themed areas of the LGA's support offer.", "/api/v1/themes/"),
    Taxonomy("audiences", Audience, "LGA support audiences", "Who an LGA support offer is for.", "/api/v1/audiences/"),
    Taxonomy("formats", Format, "LGA support formats", "What form an LGA support offer takes.", "/api/v1/formats/"),
]
TAXONOMY_BY_ID = {taxonomy.id: taxonomy for taxonomy in TAXONOMIES}
TAXONOMY_BY_MODEL = {taxonomy.model: taxonomy for taxonomy in TAXONOMIES}


# --- answers -----------------------------------------------------------------------------


def open_to_all(view):
    """Let any web page read the open data (CORS)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapped


def _json(data, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def _error(status: int, code: str, detail: str, errors: dict | None = None) -> JsonResponse:
    return _json(error_body(status, code, detail, errors), status=status)


class BadRequest(Exception):
    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors


class PageNotFound(Exception):
    pass


def _whole_number(request, name: str, default: int, maximum: int | None, message: str) -> int:
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    try:
        number = int(raw)
    except ValueError:
        raise BadRequest({name: [message]}) from None
    if number < 1 or (maximum is not None and number > maximum):
        raise BadRequest({name: [message]})
    return number


def _uuid(request, name: str) -> str | None:
    raw = request.GET.get(name, "")
    if raw == "":
        return None
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise BadRequest({name: [UUID_INVALID]}) from None


def paged(request, items, serialize) -> dict:
    """The HSDS paging envelope around one page of ``items`` (a queryset or list)."""
    page = _whole_number(request, "page", 1, None, PAGE_INVALID)
    per_page = _whole_number(request, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE, PER_PAGE_INVALID)
    total = items.count() if hasattr(items, "count") and not isinstance(items, list) else len(items)
    pages = max(1, math.ceil(total / per_page))
    if page > pages:
        raise PageNotFound(PAGE_NOT_FOUND.format(page=page, last=pages))
    contents = [serialize(item) for item in items[(page - 1) * per_page : page * per_page]]
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page == pages,
        "empty": total == 0,
        "contents": contents,
    }


def hsds_view(view):
    """Open to all, GET only, and bad parameters answered as JSON errors."""

    @open_to_all
    @require_safe
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            for name, value in request.GET.items():
                if "\x00" in value:
                    raise BadRequest({name: [NULL_CHARACTER]})
            return view(request, *args, **kwargs)
        except BadRequest as bad:
            names = ", ".join(bad.errors)
            return _error(400, "invalid", f"Check these parameters: {names}.", bad.errors)
        except PageNotFound as missing:
            return _error(404, "not_found", str(missing))

    return wrapped


# --- services ----------------------------------------------------------------------------


def _offer_url(request, offer: Offer) -> str:
    # The public page, by the design's URL contract (/offers/<slug>/).
    return request.build_absolute_uri(f"/offers/{offer.slug}/")


def _description(offer: Offer) -> str:
    parts = [offer.summary, offer.description]
    items = [item.text for item in offer.items.all()]
    if items:
        parts.append("It includes:\n" + "\n".join(f"- {text}" for text in items))
    return "\n\n".join(part for part in parts if part)


def _eligibility(offer: Offer) -> str:
    audiences = [audience.name for audience in offer.audiences.all()]
    if audiences:
        return "For English councils: " + ", ".join(audiences) + "."
    return "For English councils."


def service_summary(offer: Offer, request) -> dict:
    """The one-to-one fields of a service, as ``/services`` lists them."""
    data = {
        "id": str(offer.uuid),
        "organization_id": str(LGA_ORGANIZATION_ID),
        "name": offer.title,
        "description": _description(offer),
        "url": _offer_url(request, offer),
        "status": SERVICE_STATUS.get(offer.status, "inactive"),
        "application_process": offer.how_to_access
        or "Ask your council's LGA principal adviser, or request it on the offer's page.",
        "eligibility_description": _eligibility(offer),
        "last_modified": offer.modified_at.isoformat(),
        "organization": LGA_ORGANIZATION,
    }
    if offer.effective_contact_email:
        data["email"] = offer.effective_contact_email
    if offer.status_note:
        data["alert"] = offer.status_note
    return data


def service_full(offer: Offer, request) -> dict:
    """A fully nested service, as ``/services/<id>`` gives it."""
    data = service_summary(offer, request)
    service_id = data["id"]
    terms = [offer.theme, *offer.audiences.all(), *offer.formats.all()]
    data["attributes"] = [
        {
            "id": derived_id("attribute", service_id, term.uuid),
            "link_id": service_id,
            "link_type": "service",
            "link_entity": "service",
            "taxonomy_term_id": str(term.uuid),
            "taxonomy_term": TAXONOMY_BY_MODEL[type(term)].term_json(term, request, detail=True),
        }
        for term in terms
    ]
    data["languages"] = [
        {"id": derived_id("language", service_id, "en"), "service_id": service_id, "name": "English", "code": "en"}
    ]
    data["service_areas"] = [
        {
            "id": derived_id("service_area", service_id, "england"),
            "service_id": service_id,
            "name": "England",
            "description": "Principal councils in England.",
        }
    ]
    if offer.effective_contact_email:
        data["contacts"] = [
            {
                "id": derived_id("contact", service_id),
                "service_id": service_id,
                "name": f"{offer.theme.name} team",
                "email": offer.effective_contact_email,
            }
        ]
    return data


def _published_offers():
    return (
        Offer.objects.published()
        .select_related("theme")
        .prefetch_related("audiences", "formats", "items")
        .order_by("theme__order", "title", "id")
    )


def _modified_after(request):
    raw = request.GET.get("modified_after", "")
    if raw == "":
        return None
    try:
        return BoundedDateTimeField().clean(raw)
    except forms.ValidationError as error:
        raise BadRequest(flatten_errors({"modified_after": error.messages})) from None


@hsds_view
def api_root(request):
    return _json({"version": HSDS_VERSION, "profile": HSDS_PROFILE, "openapi_url": HSDS_OPENAPI_URL})


@hsds_view
def service_list(request):
    offers = _published_offers()
    search = request.GET.get("search", "")
    if search.strip():
        offers = offers.search(search).order_by("-rank", "title", "id")
    term_id = _uuid(request, "taxonomy_term_id")
    if term_id:
        audiences = Offer.audiences.through.objects.filter(audience__uuid=term_id).values("offer_id")
        formats = Offer.formats.through.objects.filter(format__uuid=term_id).values("offer_id")
        offers = offers.filter(Q(theme__uuid=term_id) | Q(pk__in=audiences) | Q(pk__in=formats))
    taxonomy_id = _uuid(request, "taxonomy_id")
    if taxonomy_id:
        taxonomy = TAXONOMY_BY_ID.get(taxonomy_id)
        if taxonomy is None:
            offers = offers.none()
        elif taxonomy.model is not Theme:
            offers = offers.filter(pk__in=_offers_with_any(taxonomy.model))
    organization_id = _uuid(request, "organization_id")
    if organization_id and organization_id != str(LGA_ORGANIZATION_ID):
        offers = offers.none()
    since = _modified_after(request)
    if since:
        offers = offers.filter(modified_at__gte=since)
    return _json(paged(request, offers, lambda offer: service_summary(offer, request)))


def _offers_with_any(model):
    through = Offer.audiences.through if model is Audience else Offer.formats.through
    return through.objects.values("offer_id")


@hsds_view
def service_detail(request, service_id):
    offer = _published_offers().filter(uuid=service_id).first()
    if offer is None:
        return _error(404, "not_found", "No published service has this id.")
    return _json(service_full(offer, request))


# --- taxonomies --------------------------------------------------------------------------


@hsds_view
def taxonomy_list(request):
    search = request.GET.get("search", "").strip().lower()
    taxonomies = [t for t in TAXONOMIES if not search or search in t.name.lower()]
    return _json(paged(request, taxonomies, lambda taxonomy: taxonomy.as_json(request)))


@hsds_view
def taxonomy_detail(request, taxonomy_id):
    taxonomy = TAXONOMY_BY_ID.get(str(taxonomy_id))
    if taxonomy is None:
        return _error(404, "not_found", "No taxonomy has this id.")
    return _json(taxonomy.as_json(request))


def _all_terms(search: str = "") -> list:
    terms = []
    for taxonomy in TAXONOMIES:
        rows = taxonomy.model.objects.order_by("order", "name")
        if search:
            rows = rows.filter(name__icontains=search)
        terms.extend((taxonomy, term) for term in rows)
    return terms


@hsds_view
def taxonomy_term_list(request):
    search = " ".join(request.GET.get("search", "").split())[:200]
    taxonomy_id = _uuid(request, "taxonomy_id")
    parent_id = _uuid(request, "parent_id")
    terms = _all_terms(search)
    if taxonomy_id:
        terms = [(taxonomy, term) for taxonomy, term in terms if taxonomy.id == taxonomy_id]
    if parent_id:
        terms = []  # The taxonomies are flat: no term has a parent.
    return _json(paged(request, terms, lambda pair: pair[0].term_json(pair[1], request, detail=True)))


@hsds_view
def taxonomy_term_detail(request, term_id):
    for taxonomy in TAXONOMIES:
        term = taxonomy.model.objects.filter(uuid=term_id).first()
        if term is not None:
            return _json(taxonomy.term_json(term, request, detail=True))
    return _error(404, "not_found", "No taxonomy term has this id.")


urlpatterns = [
    path("", api_root, name="hsds_root"),
    re_path(r"^services/?$", service_list, name="hsds_services"),
    path("services/<uuid:service_id>", service_detail, name="hsds_service"),
    re_path(r"^taxonomies/?$", taxonomy_list, name="hsds_taxonomies"),
    path("taxonomies/<uuid:taxonomy_id>", taxonomy_detail, name="hsds_taxonomy"),
    re_path(r"^taxonomy_terms/?$", taxonomy_term_list, name="hsds_taxonomy_terms"),
    path("taxonomy_terms/<uuid:term_id>", taxonomy_term_detail, name="hsds_taxonomy_term"),
]
